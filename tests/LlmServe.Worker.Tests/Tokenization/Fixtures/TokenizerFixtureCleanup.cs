using LlmServe.Worker.Tests.Tokenization.Fixtures;

[assembly: AssemblyFixture(typeof(TokenizerFixtureCleanup))]

namespace LlmServe.Worker.Tests.Tokenization.Fixtures;

/// <summary>
/// Deletes the tokenizer fixture folder when the test assembly finishes; a process-exit hook is not reliable
/// under the VSTest host, which may end the process without running it.
/// </summary>
public sealed class TokenizerFixtureCleanup : IDisposable
{
    public void Dispose() => TokenizerFixtures.DeleteFolder();
}
