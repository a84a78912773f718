using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using Pgvector;

namespace LlmServe.Bench.Scenarios;

/// <summary>
/// pgvector at its best: the vectors bulk-loaded with binary COPY into a plain table, the HNSW index built once
/// afterwards (faster and better than building while inserting), queried with one prepared statement.
/// </summary>
internal sealed class PgVectorBench(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    private const string Table = "bench_vectors";
    private NpgsqlConnection? _connection;

    public async Task<TimeSpan> LoadAsync(float[][] vectors, int connectivity, int expansionAdd)
    {
        var started = Stopwatch.GetTimestamp();
        _connection = await dataSource.OpenConnectionAsync();
        await ExecuteAsync($"""
            CREATE EXTENSION IF NOT EXISTS vector;
            DROP TABLE IF EXISTS {Table};
            CREATE TABLE {Table} (id int PRIMARY KEY, embedding vector({vectors[0].Length}) NOT NULL);
            """);
        await using (var writer = await _connection.BeginBinaryImportAsync($"COPY {Table} (id, embedding) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < vectors.Length; i++)
            {
                await writer.StartRowAsync();
                await writer.WriteAsync(i, NpgsqlDbType.Integer);
                await writer.WriteAsync(new Vector(vectors[i]));
            }
            await writer.CompleteAsync();
        }
        await ExecuteAsync($"""
            SET maintenance_work_mem = '1GB';
            CREATE INDEX ON {Table} USING hnsw (embedding vector_cosine_ops) WITH (m = {connectivity}, ef_construction = {expansionAdd});
            ANALYZE {Table};
            """);
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>The ids of the top <paramref name="k"/> for each query at <paramref name="efSearch"/>, and the elapsed time.</summary>
    public async Task<(int[][] Results, TimeSpan Elapsed)> SearchAsync(float[][] queries, int k, int efSearch)
    {
        await ExecuteAsync($"SET hnsw.ef_search = {efSearch}");
        await using var command = new NpgsqlCommand($"SELECT id FROM {Table} ORDER BY embedding <=> $1 LIMIT $2", _connection);
        var vector = new NpgsqlParameter { Value = new Vector(queries[0]) };
        command.Parameters.Add(vector);
        command.Parameters.AddWithValue(k);
        await command.PrepareAsync();
        var results = new int[queries.Length][];
        var started = Stopwatch.GetTimestamp();
        for (var q = 0; q < queries.Length; q++)
        {
            vector.Value = new Vector(queries[q]);
            var ids = new List<int>(k);
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    ids.Add(reader.GetInt32(0));
                }
            }
            results[q] = [.. ids];
        }
        return (results, Stopwatch.GetElapsedTime(started));
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await ExecuteAsync($"DROP TABLE IF EXISTS {Table}");
            await _connection.DisposeAsync();
        }
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = new NpgsqlCommand(sql, _connection);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
    }
}
