using LlmServe.Conversion.Gguf;
using System.Text;
using LlmServe.Worker.Model.Gguf;

namespace LlmServe.Worker.Tests.Model.Gguf;

/// <summary>Writes a GGUF v3 file with metadata only (no tensors): enough to test tokenizer loading.</summary>
internal static class GgufMetadataWriter
{
    public static void Write(string path, IEnumerable<(string Key, object Value)> metadata)
    {
        var entries = metadata.ToList();
        using var stream = File.Create(path);
        using var w = new BinaryWriter(stream, Encoding.UTF8);
        w.Write(0x46554747u);   // "GGUF"
        w.Write(3u);
        w.Write(0UL);           // tensors
        w.Write((ulong)entries.Count);
        foreach (var (key, value) in entries)
        {
            WriteString(w, key);
            switch (value)
            {
                case string s:
                    w.Write((uint)GgufValueType.String);
                    WriteString(w, s);
                    break;
                case uint u:
                    w.Write((uint)GgufValueType.UInt32);
                    w.Write(u);
                    break;
                case bool b:
                    w.Write((uint)GgufValueType.Bool);
                    w.Write(b);
                    break;
                case string[] strings:
                    w.Write((uint)GgufValueType.Array);
                    w.Write((uint)GgufValueType.String);
                    w.Write((ulong)strings.Length);
                    foreach (var s in strings)
                    {
                        WriteString(w, s);
                    }
                    break;
                case int[] ints:
                    w.Write((uint)GgufValueType.Array);
                    w.Write((uint)GgufValueType.Int32);
                    w.Write((ulong)ints.Length);
                    foreach (var i in ints)
                    {
                        w.Write(i);
                    }
                    break;
                default:
                    throw new ArgumentException($"Unsupported metadata value {value.GetType()} for '{key}'.");
            }
        }
    }

    private static void WriteString(BinaryWriter w, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }
}
