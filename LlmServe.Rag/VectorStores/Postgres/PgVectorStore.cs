using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Pgvector;

namespace LlmServe.Rag.VectorStores.Postgres;

/// <summary>
/// PostgreSQL + pgvector: a catalog table of collections and one table per collection with an HNSW index on
/// cosine distance. A table per collection because pgvector indexes need a fixed dimension per column.
/// </summary>
/// <remarks>
/// Tables: <c>rag_collections(name, embedding_model, dimension)</c> and <c>rag_chunks_&lt;name&gt;(document, idx,
/// title, heading, text, metadata jsonb, embedding vector(d))</c>, primary key (document, idx). A document upsert
/// deletes and inserts in one transaction, so readers see the old or the new chunks, never a mix.
/// </remarks>
internal sealed class PgVectorStore(NpgsqlDataSource dataSource, HnswOptions hnsw) : IVectorStore
{
    /// <summary>A data source with pgvector's type mapping, as this store needs it.</summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseVector();
        return builder.Build();
    }

    public async Task EnsureCollectionAsync(CollectionInfo collection, CancellationToken cancellationToken)
    {
        var table = TableName(collection.Name);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, """
            CREATE EXTENSION IF NOT EXISTS vector;
            CREATE TABLE IF NOT EXISTS rag_collections (
                name text PRIMARY KEY, embedding_model text NOT NULL, dimension int NOT NULL);
            -- Serialises concurrent creations of the same collection.
            LOCK TABLE rag_collections IN SHARE ROW EXCLUSIVE MODE;
            """, cancellationToken);
        if (await GetAsync(connection, collection.Name, cancellationToken) is { } existing)
        {
            CollectionGuard.EnsureSame(existing, collection);
            return;
        }
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO rag_collections (name, embedding_model, dimension) VALUES ($1, $2, $3)", connection))
        {
            insert.Parameters.AddWithValue(collection.Name);
            insert.Parameters.AddWithValue(collection.EmbeddingModel);
            insert.Parameters.AddWithValue(collection.Dimension);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        // Identifiers cannot be parameters; the name was validated (CollectionNames) and the dimension is an int.
        await ExecuteAsync(connection, $"""
            CREATE TABLE {table} (
                document text NOT NULL, idx int NOT NULL, title text NOT NULL, heading text, text text NOT NULL,
                metadata jsonb NOT NULL, embedding vector({collection.Dimension}) NOT NULL,
                PRIMARY KEY (document, idx));
            CREATE INDEX ON {table} USING hnsw (embedding vector_cosine_ops)
                WITH (m = {hnsw.Connectivity}, ef_construction = {hnsw.ExpansionAdd});
            """, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<CollectionInfo>> ListCollectionsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await CatalogExistsAsync(connection, cancellationToken))
        {
            return [];
        }
        await using var command = new NpgsqlCommand(
            "SELECT name, embedding_model, dimension FROM rag_collections ORDER BY name", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        List<CollectionInfo> collections = [];
        while (await reader.ReadAsync(cancellationToken))
        {
            collections.Add(new CollectionInfo(reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
        }
        return collections;
    }

    public async Task<CollectionInfo?> GetCollectionAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await CatalogExistsAsync(connection, cancellationToken) ? await GetAsync(connection, name, cancellationToken) : null;
    }

    public async Task<bool> DeleteCollectionAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await CatalogExistsAsync(connection, cancellationToken))
        {
            return false;
        }
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var delete = new NpgsqlCommand("DELETE FROM rag_collections WHERE name = $1", connection);
        delete.Parameters.AddWithValue(name);
        if (await delete.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            return false;
        }
        await ExecuteAsync(connection, $"DROP TABLE IF EXISTS {TableName(name)}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task UpsertDocumentAsync(string collection, string document, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken)
    {
        var info = await RequireAsync(collection, cancellationToken);
        CollectionGuard.EnsureDimension(info, records);
        var table = TableName(collection);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var delete = new NpgsqlCommand($"DELETE FROM {table} WHERE document = $1", connection))
        {
            delete.Parameters.AddWithValue(document);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        // Binary COPY: one round trip for all of a document's chunks, the fastest bulk path into PostgreSQL.
        await using (var writer = await connection.BeginBinaryImportAsync(
            $"COPY {table} (document, idx, title, heading, text, metadata, embedding) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var record in records)
            {
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(document, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(record.Index, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync(record.Title, NpgsqlDbType.Text, cancellationToken);
                if (record.Heading is null)
                {
                    await writer.WriteNullAsync(cancellationToken);
                }
                else
                {
                    await writer.WriteAsync(record.Heading, NpgsqlDbType.Text, cancellationToken);
                }
                await writer.WriteAsync(record.Text, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(JsonSerializer.Serialize(record.Metadata), NpgsqlDbType.Jsonb, cancellationToken);
                await writer.WriteAsync(new Vector(VectorMath.Normalize(record.Vector)), cancellationToken);
            }
            await writer.CompleteAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<bool> DeleteDocumentAsync(string collection, string document, CancellationToken cancellationToken)
    {
        await RequireAsync(collection, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var delete = new NpgsqlCommand($"DELETE FROM {TableName(collection)} WHERE document = $1", connection);
        delete.Parameters.AddWithValue(document);
        return await delete.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<IReadOnlyList<VectorHit>> SearchAsync(
        string collection, float[] query, int topK, VectorFilter? filter, CancellationToken cancellationToken)
    {
        var info = await RequireAsync(collection, cancellationToken);
        CollectionGuard.EnsureDimension(info, query);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // ef_search bounds how many candidates the HNSW scan returns; it must be at least k. Iterative scans
        // (pgvector 0.8) keep scanning when a filter drops candidates, instead of returning fewer than k rows.
        var efSearch = Math.Max(hnsw.ExpansionSearch, topK);
        await ExecuteAsync(connection,
            $"SET LOCAL hnsw.ef_search = {efSearch}; SET LOCAL hnsw.iterative_scan = relaxed_order;", cancellationToken);
        var (where, document, metadata) = FilterSql(filter);
        await using var command = new NpgsqlCommand($"""
            SELECT document, idx, title, heading, text, metadata::text, embedding <=> $1 AS distance
            FROM {TableName(collection)} {where}
            ORDER BY embedding <=> $1 LIMIT $2
            """, connection);
        command.Parameters.AddWithValue(new Vector(VectorMath.Normalize(query)));
        command.Parameters.AddWithValue(topK);
        if (where.Length > 0)
        {
            command.Parameters.AddWithValue((object?)document ?? DBNull.Value);
            command.Parameters.Add(new NpgsqlParameter { Value = metadata, NpgsqlDbType = NpgsqlDbType.Jsonb });
        }
        List<VectorHit> hits = [];
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                hits.Add(new VectorHit(ReadRecord(reader, vector: []), 1.0 - reader.GetDouble(6)));
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return hits;
    }

    public async Task<IReadOnlyList<VectorRecord>> ListRecordsAsync(string collection, CancellationToken cancellationToken)
    {
        await RequireAsync(collection, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT document, idx, title, heading, text, metadata::text, embedding FROM {TableName(collection)} ORDER BY document, idx",
            connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        List<VectorRecord> records = [];
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(ReadRecord(reader, reader.GetFieldValue<Vector>(6).ToArray()));
        }
        return records;
    }

    internal static string TableName(string collection) =>
        CollectionNames.IsValid(collection)
            ? $"rag_chunks_{collection}"
            : throw new CollectionNotFoundException(collection);

    /// <summary>The WHERE clause for a filter ($3: document or null, $4: jsonb the metadata must contain).</summary>
    private static (string Where, string? Document, string Metadata) FilterSql(VectorFilter? filter)
    {
        if (filter is null)
        {
            return ("", null, "{}");
        }
        var document = filter.Conditions.GetValueOrDefault(VectorFilter.DocumentKey);
        var metadata = filter.Conditions.Where(c => c.Key != VectorFilter.DocumentKey).ToDictionary();
        return ("WHERE ($3::text IS NULL OR document = $3) AND metadata @> $4", document, JsonSerializer.Serialize(metadata));
    }

    private static VectorRecord ReadRecord(NpgsqlDataReader reader, float[] vector) => new(
        reader.GetString(0), reader.GetInt32(1), reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4),
        JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(5)) ?? [], vector);

    private async Task<CollectionInfo> RequireAsync(string collection, CancellationToken cancellationToken) =>
        await GetCollectionAsync(collection, cancellationToken) ?? throw new CollectionNotFoundException(collection);

    private static async Task<CollectionInfo?> GetAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT name, embedding_model, dimension FROM rag_collections WHERE name = $1", connection);
        command.Parameters.AddWithValue(name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new CollectionInfo(reader.GetString(0), reader.GetString(1), reader.GetInt32(2))
            : null;
    }

    private static async Task<bool> CatalogExistsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT to_regclass('rag_collections') IS NOT NULL", connection);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
