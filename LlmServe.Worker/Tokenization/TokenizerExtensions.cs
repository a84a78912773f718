using System.Text;

namespace LlmServe.Worker.Tokenization;

internal static class TokenizerExtensions
{
    /// <summary>Decodes ids to text; control tokens contribute nothing.</summary>
    public static string Decode(this ITokenizer tokenizer, IEnumerable<int> ids)
    {
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            bytes.AddRange(tokenizer.TokenBytes(id).ToArray());
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
