namespace LlmServe.Rag.Apis;

/// <summary>Reads a request body up to a limit, without buffering more than the limit of an oversized upload.</summary>
internal static class UploadReader
{
    /// <summary>The body, or null when it is longer than <paramref name="limit"/> bytes (declared or actual).</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
