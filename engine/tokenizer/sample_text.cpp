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

Every good engineer knows that measuring comes before optimizing. Profile the program, find the
hot loop, and only then change the code. Memory bandwidth often matters more than arithmetic:
reading weights from memory is slower than multiplying them, so smaller weights run faster.
Quantization stores each weight in four or eight bits instead of sixteen, which saves space and
time. Experts in a mixture-of-experts model are chosen per token by a small router network, and
only the selected experts are computed, which keeps the active parameter count low.
Yesterday my neighbour asked whether the library would open on Sunday. I told her that I wasn't
sure, but that the schedule was posted online. She thanked me and walked her dog to the park.
Reading, writing, thinking, learning, building, testing, shipping, fixing, improving, repeating.

```rust
fn main() {
    let words = vec!["alpha", "beta", "gamma"];
    for (index, word) in words.iter().enumerate() {
        println!("{}: {}", index, word.to_uppercase());
    }
    let total: u64 = (1..=100).map(|x| x * x).sum();
    assert_eq!(total, 338350);
}
```

```javascript
const fetchData = async (url) => {
  const response = await fetch(url, { method: "GET", headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
};
export default fetchData;
```

$ cmake -S . -B build -G Ninja && cmake --build build -j8 && ctest --test-dir build
error: expected ';' after expression (line 42, column 17)
warning: unused variable 'tmp' [-Wunused-variable]

La science avance lorsque les chercheurs partagent leurs résultats. Les ordinateurs modernes
calculent des milliards d'opérations par seconde, mais la mémoire reste souvent le goulot
d'étranglement. Nous écrivons des programmes, nous les testons, puis nous les améliorons.
Mon frère habite à Lyon depuis trois ans ; il travaille dans une entreprise qui fabrique des vélos.

Die Wissenschaft lebt vom Austausch der Ergebnisse. Moderne Rechner führen Milliarden von
Operationen pro Sekunde aus, doch der Speicher ist oft der Engpass. Meine Schwester wohnt in
Hamburg und arbeitet als Ärztin in einem großen Krankenhaus. Übermorgen fahren wir nach Wien.

La ciencia avanza cuando los investigadores comparten sus resultados. Mañana iremos a la playa
si hace buen tiempo. Los niños juegan en el jardín mientras sus padres preparan la cena.
A ciência avança quando os pesquisadores compartilham seus resultados. Obrigado pela ajuda!
La scienza progredisce quando i ricercatori condividono i loro risultati. Grazie mille!

计算机科学是研究计算和信息处理的学科。程序员编写代码，测试代码，然后不断改进代码。
春天来了，花园里的花都开了。孩子们在操场上玩耍，老师们在办公室里批改作业。
机器学习模型需要大量的数据和计算资源，训练一个大模型可能需要几个星期的时间。
コンピュータ科学は計算と情報処理を研究する学問です。春になると、桜の花が咲きます。
子供たちは公園で遊んでいて、先生たちは教室で授業の準備をしています。
機械学習のモデルを訓練するには、たくさんのデータと計算資源が必要です。

Numbers: 1, 22, 333, 4444, 55555, 666666, 7777777, 2^10 = 1024, 2^16 = 65536, 2^32 = 4294967296.
Dates: 2025-01-15, 15/01/2025, January 15th, 2025. Times: 09:00, 12:30, 23:59:59.
Versions: v1.2.3, 10.42, 3.11.4, 0.0.1-alpha. Percentages: 0.5%, 99.9%, 100%.

The end of the sample. The end, the end, the end: thank you for reading this text.
)txt";
  return kText;
}

}  // namespace mosaic::tok
