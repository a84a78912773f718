using System.Text;
using LlmServe.Worker.Tokenization;
using Microsoft.ML.Tokenizers;

namespace LlmServe.Worker.Tests.Model.Bert;

/// <summary>
/// Test-only WordPiece tokenizer: Microsoft.ML.Tokenizers' BertTokenizer (uncased) behind the worker's
/// <see cref="ITokenizer"/>, standing in for the worker's own WordPiece tokenizer until that lands.
/// </summary>
internal sealed class ReferenceBertTokenizer(BertTokenizer inner, string[] vocabulary) : ITokenizer
{
    public static ReferenceBertTokenizer Load(string folder)
    {
        var vocabPath = Path.Combine(folder, "vocab.txt");
        var inner = BertTokenizer.Create(vocabPath, new BertOptions { LowerCaseBeforeTokenization = true });
        return new ReferenceBertTokenizer(inner, File.ReadAllLines(vocabPath));
    }

    public int VocabSize => vocabulary.Length;
    public int? BosId => inner.ClassificationTokenId;
    public int? EosId => inner.SeparatorTokenId;
    public bool AddBos => true;

    public IReadOnlyList<int> Encode(string text, bool addSpecial) =>
        inner.EncodeToIds(text, addSpecialTokens: addSpecial, considerPreTokenization: true, considerNormalization: true);

    public ReadOnlySpan<byte> TokenBytes(int id) =>
        IsControl(id) ? [] : Encoding.UTF8.GetBytes(vocabulary[id].StartsWith("##", StringComparison.Ordinal) ? vocabulary[id][2..] : " " + vocabulary[id]);

    public bool IsControl(int id) => vocabulary[id] is ['[', .., ']'];
}
