namespace LlmServe.Worker.Tests.Tokenization.Fixtures;

/// <summary>Strings that exercise every branch of the pre-tokenizer regexes and the byte-level mapping.</summary>
internal static class TokenizerCorpus
{
    public static readonly string[] Texts =
    [
        "Hello world",
        "The quick brown fox jumps over the lazy dog.",
        " leading space",
        "trailing space ",
        "two  spaces, three   spaces, four    spaces",
        "     five leading spaces",
        "tabs\tand\t\ttwo tabs\t",
        "line one\nline two\n\nblank line above\n",
        "windows\r\nline\r\nendings\r\n\r\n",
        "mixed \t \n whitespace \n\t  runs   \n",
        "   ",
        "\n\n\n",
        "I'm sure it's what we've said: they're here, you'll see, he'd go.",
        "DON'T SHOUT: IT'S LOUD, WE'RE DONE, I'LL GO, YOU'D KNOW, I'VE SEEN, I'M OUT",
        "rock 'n' roll, 'quoted', ''double'', o'clock",
        "1 12 123 1234 12345 123456 1234567 3.14159 -42 +7 1e10 0x1F 2024-06-01",
        "Version 10.0.401 costs $1,234.56 (about €1.100,00) or ¥150000",
        "Punctuation!!! Really?? Yes... (maybe) [no] {ok} <tag> \"quotes\" #hash @user %pct ^caret &amp; *star* ~tilde~ `tick` |pipe| \\back/",
        "C# code: if (x >= 10 && y != null) { return x?.ToString() ?? \"none\"; }",
        "def f(x):\n    return x ** 2  # square\n",
        "café naïve résumé coöperate Ångström Øresund façade",
        "Привет, мир! Как дела?",
        "Γειά σου Κόσμε",
        "你好，世界！我们今天去公园散步。",
        "日本語のテキストとカタカナ、ひらがな。",
        "안녕하세요 세계",
        "مرحبا بالعالم",
        "नमस्ते दुनिया",
        "สวัสดีชาวโลก",
        "emoji 🐶🐱 and 👍🏽 and 👨‍👩‍👧‍👦 and 🇫🇷 flags",
        "🤖🤖🤖 robots",
        "math 𝐇𝐞𝐥𝐥𝐨 𝟏𝟐𝟑 and rare 𠀀𠀁 ideographs",
        "no\u00A0break space and\u3000ideographic space and\u2003em space",
        "zero\u200Bwidth and soft\u00ADhyphen",
        "mixed123abc456def 7even 8ight",
        "snake_case camelCase PascalCase kebab-case SCREAMING_CASE",
        "https://example.com/path?query=1&other=two#frag",
        "email: someone@example.org, phone: +1 (555) 010-9999",
        "The year 1999 and 2000; 10,000 people; 3rd place; 21st century",
        "a",
        "!",
        "ÿ",
        "\u0000control\u0001chars\u001F",
        "Ａｌｐｈａ ｆｕｌｌｗｉｄｔｈ １２３",
        "Tom's cat's toy; the kids' toys; James' book",
        "   indented\n      more indented\n   back",
        "end with newline\n",
        "🎉",
        "ok👍",
        "¿Qué tal? ¡Muy bien!",
        "",
    ];

    /// <summary>
    /// The corpus less strings with letters or digits outside the BMP (𝐇, 𝟏, 𠀀): Microsoft.ML.Tokenizers runs the
    /// tiktoken regex on .NET's engine, which sees such a character as two surrogates that are neither \p{L} nor
    /// \p{N}, so on those strings only Hugging Face tokenizers is a trustworthy oracle.
    /// </summary>
    public static IEnumerable<string> ForDotNetRegexOracles => Texts.Where(t => !t.EnumerateRunes().Any(r =>
        r.Value > 0xFFFF && (System.Text.Rune.IsLetter(r) || System.Text.Rune.IsNumber(r))));
}
