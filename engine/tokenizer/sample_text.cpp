// Training text for the synthetic vocabulary: written for this project, a few
// KB mixing the scripts and shapes real prompts have, so that the learned
// merges look like a real tokenizer's (frequent English words and code
// keywords become single tokens, CJK characters get their byte merges, ...).
#include "engine/tokenizer/synthetic_vocab.h"

namespace mosaic::tok {

std::string_view synthetic_training_text() {
  static constexpr std::string_view kText = R"txt(
The quick brown fox jumps over the lazy dog. The dog does not care, and the fox keeps running
through the forest until the evening comes. When the sun goes down, the animals of the forest
gather near the river to drink water and to talk about the day. Some of them are tired, some of
them are hungry, and all of them are glad that the day is over.
It's a simple story, but we've all heard it before: they'll tell it again tomorrow, and I'd listen
once more because I'm the kind of person who likes old stories. You're welcome to join us.
In the morning, the market opens at 7:30 and closes at 18:45. A loaf of bread costs $2.50, a bag
of apples costs $4.99, and the price of coffee went up by 12% this year. In 2023 the town had
15,482 people; by 2024 it had grown to 16,017. The phone number is +1 (555) 012-3456.
Large language models read text as tokens. A tokenizer splits the text into pieces, maps every
piece to a number, and the model predicts the next number. Training a tokenizer means counting
which pairs of symbols appear together most often and merging them into new symbols, again and
again, until the vocabulary is large enough. The merges are applied in the same order later.
Questions? Answers! Lists: first, second, third. Quotes: "hello", 'world'. Brackets: (a), [b], {c}.
Email: someone@example.com -- URL: https://example.com/path?query=value&other=42#section

```cpp
#include <vector>
#include <string>

// Returns the sum of all values in the vector.
int sum(const std::vector<int>& values) {
  int total = 0;
  for (int value : values) {
    total += value;
  }
  return total;
}

class Counter {
 public:
  explicit Counter(int start) : count_(start) {}
  void increment() { ++count_; }
  int value() const { return count_; }

 private:
  int count_ = 0;
};

int main(int argc, char** argv) {
  std::vector<int> numbers = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  if (argc > 1 && argv[1] != nullptr) {
    return sum(numbers) > 50 ? 0 : 1;
  }
  return 0;
}
```

```python
import json
from dataclasses import dataclass


@dataclass
class Config:
    name: str
    layers: int = 12
    hidden_size: int = 768


def load_config(path: str) -> Config:
    """Load a configuration file and return it as a Config object."""
    with open(path, "r", encoding="utf-8") as f:
        data = json.load(f)
    return Config(name=data["name"], layers=data.get("layers", 12))


if __name__ == "__main__":
    for i in range(10):
        print(f"step {i}: loss = {1.0 / (i + 1):.4f}")
```

{"model": "mosaic", "version": 1, "layers": [0, 1, 2, 3], "enabled": true, "ratio": 0.125}
<html><body><p class="note">Hello, world!</p></body></html>
SELECT name, count(*) FROM users WHERE age >= 18 GROUP BY name ORDER BY 2 DESC;

Le renard brun saute par-dessus le chien paresseux. C'est une histoire très simple, mais elle
plaît aux enfants. Nous avons préparé le déjeuner à midi, et après le café, nous sommes allés
nous promener au bord de la rivière. L'été dernier, il faisait très chaud à Paris ; cette année,
l'hiver sera peut-être plus froid. Où est la gare ? Elle se trouve à côté de la bibliothèque.
Les élèves étudient le français, l'histoire et les mathématiques. Ça va ? Oui, ça va très bien.

Der schnelle braune Fuchs springt über den faulen Hund. Die Straße ist lang, und die Häuser sind
groß. Wir möchten heute Abend ins Kino gehen, aber es regnet schon seit Stunden. Können Sie mir
bitte helfen? Ich suche den Bahnhof. Die Größe des Gebäudes ist beeindruckend, und die Brücke
über den Fluss wurde im Jahr 1890 gebaut. Grüße aus München und schöne Grüße an die Familie!

El zorro marrón salta sobre el perro perezoso. ¿Dónde está la estación? ¡Qué día tan bonito!
Быстрая коричневая лиса прыгает через ленивую собаку. Привет, как дела? Всё хорошо, спасибо.
Η γρήγορη καφέ αλεπού πηδά πάνω από τον τεμπέλη σκύλο.

人工智能正在改变我们的生活方式。语言模型通过学习大量的文本来理解和生成人类的语言。
今天天气很好，我们一起去公园散步吧。中国的首都是北京，上海是一个国际化的大城市。
我喜欢读书、写字和听音乐。这个问题很有意思，我们需要仔细思考一下再回答。
学习编程需要时间和耐心，但是只要坚持下去，就一定会有收获。

日本語のテキストも少し入れておきます。今日はとても良い天気ですね。
私は毎朝コーヒーを飲みながら新聞を読みます。東京は日本の首都で、とても大きな都市です。
ひらがな、カタカナ、そして漢字を使って文章を書きます。ありがとうございます。
プログラミングは楽しいですが、時々難しいこともあります。

한국어 문장도 조금 있습니다. 오늘 날씨가 정말 좋네요. 감사합니다.
हिंदी में एक छोटा वाक्य। مرحبا بالعالم. שלום עולם.

Emoji: 😀 😃 😄 😁 😆 🙂 🙃 😉 😊 👍 👋 🎉 🚀 🔥 ✨ ❤️ 🌍 🍕 🐱 🐶 👨‍👩‍👧‍👦 🇫🇷 🇩🇪 🇯🇵
Digits: 0 1 2 3 4 5 6 7 8 9 10 100 1000 12345 3.14159 2.71828 1e-6 0x1F 0b1010 42 007
Math: x² + y² = z², α + β = γ, ∑ᵢ aᵢ, √2 ≈ 1.414, ∞, ≤, ≥, ≠, →, ←, ×, ÷, ±, °C
Combining marks: é vs é, ñ vs ñ — café, mañana. Tabs:	a	b	c
    Indented line with four spaces.
        Eight spaces here, then a newline.

The end of the sample. The end, the end, the end: thank you for reading this text.
)txt";
  return kText;
}

}  // namespace mosaic::tok
