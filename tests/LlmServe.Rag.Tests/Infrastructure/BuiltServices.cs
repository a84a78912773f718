using LlmServe.TestUtilities;

namespace LlmServe.Rag.Tests.Infrastructure;

/// <summary>The DLLs of this repository's services, built in the same configuration as the tests (project references build them).</summary>
internal static class BuiltServices
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    public static string Worker => Path.Combine(RepositoryPaths.Root, "LlmServe.Worker", "bin", Configuration, "net10.0", "linux-x64", "LlmServe.Worker.dll");

    public static string Rag => Path.Combine(RepositoryPaths.Root, "LlmServe.Rag", "bin", Configuration, "net10.0", "LlmServe.Rag.dll");
}
