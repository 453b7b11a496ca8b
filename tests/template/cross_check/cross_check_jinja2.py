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

# Expression, filter and statement snippets with variables.
people = {"people": [{"name": "bo", "age": 30, "admin": True}, {"name": "al", "age": 25}, {"name": "cy", "age": 35, "admin": False}]}
msg = {"message": {"role": "user", "content": "hi"}, "d": {}, "xs": [10, 20, 30], "v": {"a": [1, 2.5, "x", True, None], "b": {}, "c": []}}
cases_snippets = [
 ("{{ people | join('/', attribute='name') }}", people),
 ("{{ people | selectattr('admin') | map(attribute='name') | join(',') }}", people),
 ("{{ people | selectattr('admin', 'defined') | map(attribute='name') | join(',') }}", people),
 ("{{ people | rejectattr('admin', 'defined') | map(attribute='name') | list }}", people),
 ("{{ people | selectattr('age', 'gt', 26) | list | length }}", people),
 ("{{ people | map(attribute='admin', default='?') | list }}", people),
 ("{{ people | sort(attribute='age') | map(attribute='name') | join(',') }}", people),
 ("{{ people | unique(attribute='admin') | list | length }}", people),
 ("{{ people | max(attribute='age') }}", people),
 ("{{ people | sum(attribute='age') }}", people),
 ("{{ people[0] | dictsort }}", people),
 ("{{ people | tojson(indent=2) }}", people),
 ("{{ people | tojson(sort_keys=true, separators=(',', ':')) }}", people),
 ("{{ message.content }} {{ message['content'] }} {{ message.role }}", msg),
 ("{{ message.missing is defined }} {{ message['missing'] is defined }}", msg),
 ("{% for k, v in message.items() %}{{ k }}={{ v }};{% endfor %}", msg),
 ("{{ xs[0] }} {{ xs[-1] }} {{ xs.1 }} {{ xs[5] is defined }} {{ xs[1:] }} {{ xs | first }} {{ xs | last }}", msg),
 ("{{ v | tojson }}|{{ v | string }}|{{ v }}", msg),
 ("{{ d.a is defined }}{{ d.get('a', 1) }}{{ d | length }}{{ d is mapping }}{{ xs is sequence }}", msg),
 ("{{ 'a-b_c d'.split('-') }} {{ 'x'.join(['1','2']) }} {{ '  a b  '.split(' ') }} {{ 'abc'.rsplit('b') }} {{ ''.split() }} {{ 'a\\tb\\nc'.split() }}", {}),
 ("{{ '%d items' | replace('%d', '3') }} {{ 'aaa'.replace('a', '') }} {{ 'abc'.replace('', '-') }} {{ 'abc'.replace('', '-', 2) }}", {}),
 ("{{ 'Hello'.startswith('He') }} {{ 'Hello'.endswith(('x','lo')) }} {{ 'a b'.title() }} {{ 'ABC'.isupper() }} {{ 'abc1'.isalnum() }} {{ '12'.isdigit() }}", {}),
 ("{{ 1.0 }} {{ 1.5e300 * 1e10 }} {{ -1e-320 }} {{ 2**62 }} {{ 7 // -2 }} {{ -7 % 2.5 }} {{ 10 / 3 }} {{ 1e22 }} {{ 1e21 }}", {}),
 ("{{ [1, 2] + [3] }} {{ (1,) + (2,) }} {{ 'ab' * 3 }} {{ [0] * 3 }} {{ 3 * 'x' }}", {}),
 ("{{ 'abc' < 'abd' }} {{ [1, 'a'] == [1, 'a'] }} {{ {'a': 1} == {'a': 1.0} }} {{ none == none }} {{ 1 != 1.0 }}", {}),
 ("{{ 'x' if none is none }} {{ (1, 2) | list }} {{ {'a': 1}.items() | list }} {{ range(2, 10, 3) | list }}", {}),
 ("{% for a, b in [(1, 2), (3, 4)] %}{{ loop.index }}{{ a }}{{ b }}{% if loop.last %}!{% endif %}{% endfor %}", {}),
 ("{% for x in 'héé' %}{{ loop.revindex }}{{ x }}{% endfor %}", {}),
 ("{% for k in {'b': 1, 'a': 2} | dictsort(reverse=true) %}{{ k }}{% endfor %}", {}),
 ("{{ ['b', 'A', 'c'] | sort(case_sensitive=true, reverse=true) }} {{ [3, 1] | max }} {{ ['B', 'a'] | min }}", {}),
 ("{{ 'a\\nb' | indent(4, true) }}|{{ 'one two' | wordcount }}|{{ 'ab' | center(7) }}|{{ 'ab' | center(6) }}|{{ 'abc' | center(6) }}", {}),
 ("{{ 3.7 | int }} {{ '0x1A' | int(0, 16) }} {{ '1e3' | float }} {{ 'abc' | float }} {{ true | int }} {{ '  12  ' | int }}", {}),
 ("{{ 2.675 | round(2) }} {{ -2.5 | round }} {{ 0.5 | round }} {{ 1.5 | round }} {{ 12345.6789 | round(-2) }}", {}),
 ("{% set a = {'k': [1, {'z': none}]} %}{{ a }}|{{ a | tojson }}|{{ a.k[1].z is none }}", {}),
 ("{{ \"it's\" }}{{ ['a\\'b', \"c\\\"d\", 'e\\\\f', 'g\\nh'] }}", {}),
 ("{% if 'b' in {'a': 1, 'b': 2} and 2 in [1, 2] and 'x' not in 'abc' %}yes{% endif %}", {}),
 ("{{ x | default('d') }} {{ none | default('d') }} {{ false | default('d', true) }} {{ 0 | d(5, boolean=true) }}", {}),
 ("{% set x = [1, 2, 3] %}{{ x | select('odd') | list }} {{ x | reject('even') | list }} {{ x | map('string') | join }}", {}),
 ("{% macro m(a, b='B', c=none) %}{{ a }}{{ b }}{{ c }}{% endmacro %}{{ m(1) }}{{ m(1, c=3) }}{{ m(a=2, b=4) }}", {}),
 ("{{ 'a' ~ 1.0 ~ [1] ~ {'x': none} ~ (1,) }}", {}),
 ("{{ (1, 2, 3)[1:] }} {{ 'hello'[::2] }} {{ 'hello'[-3:-1] }} {{ [1, 2, 3, 4][::-2] }} {{ 'ab'[5:] }}", {}),
]
for t, v in cases_snippets:
    cases.append(('snippet', dict(source=t, messages=[], extra_context=v)))

bad = 0
for name, spec in cases:
    p, c = py_render(spec), cpp_render(spec)
    if p != c:
        bad += 1
        print('MISMATCH', name, json.dumps(spec['messages'])[:100], repr(spec['source'])[:100] if name == 'snippet' else ''); print('  py :', repr(p)[:600]); print('  cpp:', repr(c)[:600])
print(len(cases), 'cases,', bad, 'mismatches')
sys.exit(1 if bad else 0)
