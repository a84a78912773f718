namespace LlmServe.Worker.Tests.Model.Bert;

/// <summary>Varied inputs for parity checks: short and long, punctuation, numbers, code, accents, CJK, emoji.</summary>
internal static class Sentences
{
    public static readonly string[] Varied =
    [
        "The cat sits on the mat.",
        "A feline rests on a rug.",
        "Kubernetes schedules pods onto nodes.",
        "Hi",
        "?",
        "OK!!!",
        "a",
        "What time is it?",
        "The quick brown fox jumps over the lazy dog.",
        "I can't believe it's not butter!",
        "E = mc^2, said Einstein in 1905.",
        "Call me at +1 (555) 010-2368 before 9:30 a.m.",
        "The invoice total was $1,234.56, due on 2024-07-15.",
        "3.14159265358979323846264338327950288419716939937510",
        "Version 10.0.401 of the SDK fixed bug #42 (see PR 1337).",
        "C# and F# run on .NET; Python's torch runs on CUDA.",
        "for (int i = 0; i < n; i++) { sum += a[i] * b[i]; }",
        "SELECT name, COUNT(*) FROM users GROUP BY name HAVING COUNT(*) > 1;",
        "https://example.com/path?query=1&other=two#fragment",
        "user.name+tag@example.org wrote: \"hello, world\"",
        "Café au lait, crème brûlée and a piña colada, s'il vous plaît.",
        "Ångström, Škoda, Øresund, Łódź and São Paulo are proper nouns.",
        "Der schnelle braune Fuchs springt über den faulen Hund.",
        "El veloz murciélago hindú comía feliz cardillo y kiwi.",
        "Привет, как дела? Всё хорошо.",
        "Γεια σου κόσμε — καλημέρα!",
        "東京は日本の首都です。",
        "我喜欢吃苹果和香蕉。",
        "서울은 대한민국의 수도입니다.",
        "مرحبا بالعالم",
        "שלום עולם",
        "नमस्ते दुनिया",
        "I love pizza 🍕 and tacos 🌮!",
        "😀😃😄😁",
        "Tabs\tand\nnewlines\r\nare whitespace too.",
        "   leading and trailing spaces   ",
        "ALL CAPS SHOUTING SENTENCE",
        "MiXeD cAsE tExT",
        "don't won't shouldn't y'all'd've",
        "-- ... ;;; ::: !!! ??? ((( ))) [[[ ]]]",
        "The Eiffel Tower is 330 metres tall and was completed in 1889.",
        "Photosynthesis converts light energy into chemical energy stored in glucose.",
        "The mitochondria is the powerhouse of the cell.",
        "Neural networks learn representations by gradient descent on a loss function.",
        "She sells sea shells by the sea shore.",
        "To be, or not to be, that is the question.",
        "Antidisestablishmentarianism is a long word.",
        "Pneumonoultramicroscopicsilicovolcanoconiosis",
        "The meeting was moved from Tuesday to Thursday because half the team was travelling to the conference in Lisbon, "
            + "and nobody wanted to dial in from an airport lounge at six in the morning.",
        "In 1969, Apollo 11 landed on the Moon; Neil Armstrong and Buzz Aldrin walked on the surface for about two and a "
            + "quarter hours while Michael Collins orbited above in the command module Columbia, and the crew returned "
            + "safely to Earth on July 24 after splashing down in the Pacific Ocean.",
        string.Join(" ", Enumerable.Repeat("Large language models are served by batching requests and caching keys and values.", 16)),
        string.Join(", ", Enumerable.Range(1, 120).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))),
    ];
}
