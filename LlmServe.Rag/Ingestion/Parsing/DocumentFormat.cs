namespace LlmServe.Rag.Ingestion.Parsing;

/// <summary>The document formats ingestion reads.</summary>
internal enum DocumentFormat
{
    Text,
    Markdown,
    Html,
    Pdf,
}

internal static class DocumentFormats
{
    /// <summary>The format of a file by its extension; null when it is not one we read.</summary>
    public static DocumentFormat? FromFileName(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".txt" or ".text" => DocumentFormat.Text,
        ".md" or ".markdown" => DocumentFormat.Markdown,
        ".html" or ".htm" => DocumentFormat.Html,
        ".pdf" => DocumentFormat.Pdf,
        _ => null,
    };

    /// <summary>The format of an upload by its media type (parameters such as charset ignored); null when unknown.</summary>
    public static DocumentFormat? FromMediaType(string? mediaType) => mediaType?.Split(';')[0].Trim().ToLowerInvariant() switch
    {
        "text/plain" => DocumentFormat.Text,
        "text/markdown" or "text/x-markdown" => DocumentFormat.Markdown,
        "text/html" or "application/xhtml+xml" => DocumentFormat.Html,
        "application/pdf" => DocumentFormat.Pdf,
        _ => null,
    };
}
