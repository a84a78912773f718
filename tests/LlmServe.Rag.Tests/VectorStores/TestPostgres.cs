using Npgsql;

namespace LlmServe.Rag.Tests.VectorStores;

/// <summary>The PostgreSQL + pgvector server of the tests: <c>LLMSERVE_PGVECTOR</c>, else the one scripts/pgvector.sh starts.</summary>
internal static class TestPostgres
{
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("LLMSERVE_PGVECTOR") is { Length: > 0 } value
            ? value
            : "Host=127.0.0.1;Port=55432;Username=postgres;Database=postgres;Timeout=5";

    public static async Task EnsureReachableAsync(NpgsqlDataSource dataSource)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var command = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS vector", connection);
            await command.ExecuteNonQueryAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or PostgresException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"PostgreSQL with pgvector is not reachable ({ex.Message}). Run scripts/pgvector.sh (scripts/test.sh does) "
                + "or set LLMSERVE_PGVECTOR to a connection string.", ex);
        }
    }
}
