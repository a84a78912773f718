using LlmServe.Rag.VectorStores;
using LlmServe.Rag.VectorStores.Postgres;
using Npgsql;

namespace LlmServe.Rag.Tests.VectorStores;

/// <summary>The contract against a real PostgreSQL with pgvector, the one scripts/test.sh starts (scripts/pgvector.sh).</summary>
public sealed class PgVectorStoreTests : VectorStoreContract, IAsyncLifetime
{
    private readonly NpgsqlDataSource _dataSource = PgVectorStore.CreateDataSource(TestPostgres.ConnectionString);

    private protected override IVectorStore Store => new PgVectorStore(_dataSource, new HnswOptions());

    public async ValueTask InitializeAsync() => await TestPostgres.EnsureReachableAsync(_dataSource);

    public async ValueTask DisposeAsync()
    {
        // Drop what these tests created, so the shared database does not grow run after run.
        foreach (var collection in await Store.ListCollectionsAsync(CancellationToken.None))
        {
            if (collection.EmbeddingModel == "model")
            {
                await Store.DeleteCollectionAsync(collection.Name, CancellationToken.None);
            }
        }
        await _dataSource.DisposeAsync();
    }
}
