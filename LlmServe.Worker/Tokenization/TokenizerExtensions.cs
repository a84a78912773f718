using System.Text;

namespace LlmServe.Worker.Tokenization;

internal static class TokenizerExtensions
{
    /// <summary>Decodes ids to the bytes they contribute, as text; control tokens contribute nothing.</summary>
    public static string Decode(this ITokenizer tokenizer, IEnumerable<int> ids)
    {
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            bytes.AddRange(tokenizer.TokenBytes(id).ToArray());
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>
    /// Decodes ids as a text of their own (a prompt given as ids, /detokenize): as <see cref="Decode"/>, less the
    /// dummy-prefix space where the tokenizer's decoder drops it, as Hugging Face's decode (and so vLLM) does.
    /// </summary>
    public static string DecodeText(this ITokenizer tokenizer, IEnumerable<int> ids)
    {
        var text = tokenizer.Decode(ids);
        return tokenizer.DecodeDropsLeadingSpace && text.StartsWith(' ') ? text[1..] : text;
    }
}
