#!/usr/bin/env python3
# Optional developer check, not part of ctest: renders the real-template cases
# of test_real_templates.cpp with Python jinja2 configured the way Hugging
# Face's apply_chat_template does (ImmutableSandboxedEnvironment, trim_blocks,
# lstrip_blocks, loopcontrols, json.dumps tojson, raise_exception,
# strftime_now) and with mosaic's template_render_spec tool, and reports any
# difference. Needs python3-jinja2 and a build with
# -DMOSAIC_TEMPLATE_CROSS_CHECK=ON.
#   python3 tests/template/cross_check/cross_check_jinja2.py build/tests/template/template_render_spec
import json, os, subprocess, sys
from datetime import datetime
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.ext import loopcontrols
F = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures') + os.sep
RENDER_SPEC = sys.argv[1] if len(sys.argv) > 1 else 'build/tests/template/template_render_spec'

class TE(Exception): pass
def raise_exception(m): raise TE(m)
def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

def py_render(spec):
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.filters['tojson'] = tojson
    env.globals['raise_exception'] = raise_exception
    d = spec.get('date_today', '26 Jul 2024')
    try: dt = datetime.strptime(d, '%d %b %Y')
    except ValueError: dt = datetime.strptime(d, '%Y-%m-%d')
    env.globals['strftime_now'] = lambda fmt: dt.strftime(fmt)
    ctx = dict(messages=spec.get('messages', []), tools=spec.get('tools'), documents=None,
               add_generation_prompt=spec.get('add_generation_prompt', True),
               bos_token=spec.get('bos_token', ''), eos_token=spec.get('eos_token', ''))
    th = spec.get('thinking')
    if th in ('on', 'off'):
        ctx['enable_thinking'] = ctx['thinking'] = (th == 'on')
    ctx.update(spec.get('extra_context', {}))
    try:
        return 'OK:' + env.from_string(spec['source']).render(**ctx)
    except TE as e:
        return 'ERR:raised:' + str(e)
    except Exception as e:
        return 'ERR:other:' + type(e).__name__ + ': ' + str(e)

def cpp_render(spec):
    r = subprocess.run([RENDER_SPEC], input=json.dumps(spec).encode(), capture_output=True)
    return r.stdout.decode()

def fx(name): return open(F + name, encoding='utf-8').read()

chat = [{"role": "system", "content": "You are helpful."}, {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello!"}, {"role": "user", "content": "How are you?"}]
tool = [{"type": "function", "function": {"name": "get_weather", "description": "Get weather",
  "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]
DS = "<｜begin▁of▁sentence｜>"
cases = []
def add(name, messages, **kw):
    spec = dict(source=fx(name), messages=messages); spec.update(kw); cases.append((name, spec))

add('qwen3.jinja', chat)
add('qwen3.jinja', [{"role": "user", "content": "Hi"}], thinking='off')
add('qwen3.jinja', [{"role": "user", "content": "Hi"}], thinking='on')
add('qwen3.jinja', [{"role": "user", "content": "Hi"}], add_generation_prompt=False)
add('qwen3.jinja', [{"role": "user", "content": "What is 2+2?"}, {"role": "assistant", "content": "4", "reasoning_content": "Simple sum."},
    {"role": "user", "content": "And 3+3?"}, {"role": "assistant", "content": "6", "reasoning_content": "Add again."}], add_generation_prompt=False)
add('qwen3.jinja', [{"role": "user", "content": "Q1"}, {"role": "assistant", "content": "<think>\nhmm\n</think>\n\nA1"}, {"role": "user", "content": "Q2"}])
add('qwen3.jinja', [{"role": "system", "content": "You are helpful."}, {"role": "user", "content": "Weather in Paris?"},
    {"role": "assistant", "content": "", "tool_calls": [{"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]},
    {"role": "tool", "content": "{\"temp\": 20}"}], tools=tool)
add('qwen2_5.jinja', [{"role": "user", "content": "Hi"}])
add('qwen2_5.jinja', chat)
add('qwen2_5.jinja', [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", "content": None, "tool_calls": [
    {"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]}, {"role": "tool", "content": "20"}], tools=tool)
add('deepseek_v3_1.jinja', chat, bos_token=DS)
add('deepseek_v3_1.jinja', chat, bos_token=DS, thinking='on')
add('deepseek_v3_1.jinja', [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "<think>plan</think>Answer"}, {"role": "user", "content": "Q2"}], bos_token=DS)
add('deepseek_r1_distill.jinja', chat, bos_token=DS)
add('deepseek_r1_distill.jinja', [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "<think>\nLet me think.\n</think>\n\nA"}], bos_token=DS, add_generation_prompt=False)
add('llama3_2.jinja', chat, bos_token="<|begin_of_text|>", date_today="02 Dec 2026")
add('llama3_2.jinja', [{"role": "user", "content": "Weather in Paris?"}], bos_token="<|begin_of_text|>", date_today="02 Dec 2026", tools=tool)
add('llama3_3.jinja', [{"role": "user", "content": "Weather?"}, {"role": "assistant", "tool_calls": [{"function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]},
    {"role": "tool", "content": "20 degrees"}], bos_token="<|begin_of_text|>", date_today="02 Dec 2026")
add('llama3_3.jinja', [{"role": "user", "content": " Hi "}], bos_token="<|begin_of_text|>", extra_context={"date_string": "01 Jan 2025"}, add_generation_prompt=False)
add('llama3_3.jinja', [{"role": "user", "content": "x"}, {"role": "assistant", "tool_calls": [{"function": {"name": "a", "arguments": {}}}, {"function": {"name": "b", "arguments": {}}}]}])
add('gemma2.jinja', [{"role": "user", "content": "  Hi \n"}, {"role": "assistant", "content": "Hello!"}, {"role": "user", "content": "How are you?"}], bos_token="<bos>")
add('gemma2.jinja', chat)
add('gemma2.jinja', [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}])
add('gemma3.jinja', chat, bos_token="<bos>")
add('gemma3.jinja', [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": " What is this? "}]}], bos_token="<bos>")
add('mistral_nemo.jinja', chat, bos_token="<s>", eos_token="</s>")
add('mistral_nemo.jinja', [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", "tool_calls": [{"id": "abc123def", "type": "function",
    "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]}, {"role": "tool", "tool_call_id": "abc123def", "content": "20"}], bos_token="<s>", eos_token="</s>", tools=tool)
add('mistral_nemo.jinja', [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}])
add('kimi_k2.jinja', chat)
add('kimi_k2.jinja', [{"role": "user", "content": "Hi"}], tools=[{"type": "function", "function": {"name": "f"}}])
add('kimi_k2_thinking.jinja', [{"role": "system", "content": "S"}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello", "reasoning_content": "R1"}, {"role": "user", "content": "More?"}])
add('kimi_k2_thinking.jinja', [{"role": "user", "content": "Weather?"}, {"role": "assistant", "content": "", "reasoning_content": "Need tool", "tool_calls": [
    {"id": "functions.get_weather:0", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}}]},
    {"role": "tool", "tool_call_id": "functions.get_weather:0", "content": "20C"}])
add('gpt_oss.jinja', chat)
add('gpt_oss.jinja', [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", "content": "", "thinking": "I should call the tool.", "tool_calls": [
    {"function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]}, {"role": "tool", "content": "20C"}],
    tools=[{"type": "function", "function": {"name": "get_weather", "description": "Get weather", "parameters": {"type": "object", "properties": {
      "city": {"type": "string", "description": "City name"}, "unit": {"type": "string", "enum": ["c", "f"]}}, "required": ["city"]}}}],
    extra_context={"reasoning_effort": "high"})
add('gpt_oss.jinja', [{"role": "user", "content": "x"}, {"role": "tool", "content": "y"}])

bad = 0
for name, spec in cases:
    p, c = py_render(spec), cpp_render(spec)
    if p != c:
        bad += 1
        print('MISMATCH', name, json.dumps(spec['messages'])[:100]); print('  py :', repr(p)[:600]); print('  cpp:', repr(c)[:600])
print(len(cases), 'cases,', bad, 'mismatches')
sys.exit(1 if bad else 0)
