using System.Text;

namespace LlmServe.Worker.Tokenization;

/// <summary>
/// GPT-2's <c>bytes_to_unicode</c>: every byte gets a printable character so that byte-level BPE vocabularies can be
/// stored as text. Printable Latin-1 bytes stand for themselves; the other 68 map to U+0100 upwards in byte order
/// (so a space is "Ġ" and a newline "Ċ").
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = new char[256];

    // Indexed by character; -1 where the character is not in the alphabet. The highest character is U+0143.
    private static readonly short[] CharToByte = new short[0x144];

    static ByteLevelAlphabet()
    {
        Array.Fill(CharToByte, (short)-1);
        var next = 0x100;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            var c = (char)(printable ? b : next++);
            ByteToChar[b] = c;
            CharToByte[c] = (short)b;
        }
    }

    /// <summary>The alphabet character standing for byte <paramref name="b"/>.</summary>
    public static char ToChar(byte b) => ByteToChar[b];

    /// <summary>Maps the UTF-8 bytes of <paramref name="text"/> to alphabet characters.</summary>
    public static string Encode(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return string.Create(bytes.Length, bytes, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = ByteToChar[source[i]];
            }
        });
    }

    /// <summary>
    /// The bytes a vocabulary string stands for. Like the Hugging Face ByteLevel decoder, a string with any
    /// character outside the alphabet (an added token such as "&lt;|im_start|&gt;" with a space) is taken as UTF-8.
    /// </summary>
    public static byte[] Decode(string token)
    {
        var bytes = new byte[token.Length];
        for (var i = 0; i < token.Length; i++)
        {
            var c = token[i];
            if (c >= CharToByte.Length || CharToByte[c] < 0)
            {
                return Encoding.UTF8.GetBytes(token);
            }
            bytes[i] = (byte)CharToByte[c];
        }
        return bytes;
    }
}
