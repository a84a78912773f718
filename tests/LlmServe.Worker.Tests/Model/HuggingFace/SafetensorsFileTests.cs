using System.Text;
using LlmServe.Worker.Model.HuggingFace;

namespace LlmServe.Worker.Tests.Model.HuggingFace;

public sealed class SafetensorsFileTests
{
    private static string Write(string header, byte[] data)
    {
        var path = Path.Combine(Path.GetTempPath(), $"st-{Guid.NewGuid():N}.safetensors");
        var headerBytes = Encoding.UTF8.GetBytes(header);
        using var file = File.Create(path);
        file.Write(BitConverter.GetBytes((long)headerBytes.Length));
        file.Write(headerBytes);
        file.Write(data);
        return path;
    }

    [Fact]
    public void Open_ReadsHeaderAndBytes()
    {
        var data = new[] { 1f, 2f, 3f, 4f, 5f, 6f }.SelectMany(BitConverter.GetBytes).ToArray();
        var path = Write("""{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}""", data);
        try
        {
            using var file = SafetensorsFile.Open(path);
            var info = file.Tensors["w"];
            Assert.Equal([2L, 3L], info.Shape);
            var bytes = new byte[24];
            file.ReadBytes(info, bytes);
            Assert.Equal(data, bytes);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Open_TensorBeyondEndOfFile_FailsNamingIt()
    {
        var path = Write("""{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", new byte[8]);
        try
        {
            var ex = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Open(path));
            Assert.Contains("'w'", ex.Message);
            Assert.Contains("truncated", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Open_GarbageHeader_FailsClearly()
    {
        var path = Write("{not json", []);
        try
        {
            Assert.Throws<InvalidDataException>(() => SafetensorsFile.Open(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
