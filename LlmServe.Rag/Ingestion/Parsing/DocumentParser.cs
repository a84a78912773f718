using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;

namespace LlmServe.Rag.Ingestion.Parsing;

/// <summary>
/// Turns a document of any supported format into Markdown-shaped text (ATX headings, blank-line paragraphs), the
/// one input <see cref="TextChunker"/> reads, plus a title. HTML headings and PDF pages become headings, so chunks
/// keep where they came from as metadata.
/// </summary>
internal static class DocumentParser
{
    public static ParsedDocument Parse(string name, byte[] content, DocumentFormat format)
    {
        var parsed = format switch
        {
            DocumentFormat.Text => FromText(name, DecodeText(content), markdown: false),
            DocumentFormat.Markdown => FromText(name, DecodeText(content), markdown: true),
            DocumentFormat.Html => FromHtml(name, DecodeText(content)),
            DocumentFormat.Pdf => FromPdf(name, content),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
        if (string.IsNullOrWhiteSpace(parsed.Text))
        {
            throw new MalformedDocumentException($"'{name}' contains no text.");
        }
        return parsed;
    }

    /// <summary>Strict UTF-8: text with invalid bytes (or NULs) is binary sent under a text type, not a document.</summary>
    internal static string DecodeText(byte[] content)
    {
        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(content);
        }
        catch (DecoderFallbackException ex)
        {
            throw new MalformedDocumentException("The document is not valid UTF-8 text.", ex);
        }
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new MalformedDocumentException("The document contains NUL characters; it looks binary, not text.");
        }
        return text.TrimStart('\uFEFF');
    }

    private static ParsedDocument FromText(string name, string text, bool markdown) =>
        new(markdown ? DocumentLoader.TitleOf(name, text) : Path.GetFileNameWithoutExtension(name), text);

    private static ParsedDocument FromHtml(string name, string html)
    {
        var document = new HtmlParser().ParseDocument(html);
        var body = document.Body;
        if (body is null)
        {
            throw new MalformedDocumentException($"'{name}' has no HTML body.");
        }
        var text = new StringBuilder();
        AppendBlocks(body, text);
        var title = document.Title is { Length: > 0 } t ? t.Trim()
            : document.QuerySelector("h1")?.TextContent.Trim() is { Length: > 0 } h1 ? h1
            : Path.GetFileNameWithoutExtension(name);
        return new ParsedDocument(title, text.ToString());
    }

    /// <summary>Walks block elements: h1-h6 become ATX headings, other blocks paragraphs; scripts and styles are dropped.</summary>
    private static void AppendBlocks(IElement element, StringBuilder text)
    {
        foreach (var child in element.Children)
        {
            var tag = child.LocalName;
            if (tag is "script" or "style" or "noscript" or "template" or "nav")
            {
                continue;
            }
            if (tag.Length == 2 && tag[0] == 'h' && tag[1] is >= '1' and <= '6')
            {
                text.Append('#', tag[1] - '0').Append(' ').Append(Collapse(child.TextContent)).Append("\n\n");
            }
            else if (tag is "p" or "li" or "pre" or "blockquote" or "td" or "th" or "dt" or "dd" or "figcaption" || child.Children.Length == 0)
            {
                if (Collapse(child.TextContent) is { Length: > 0 } paragraph)
                {
                    text.Append(paragraph).Append("\n\n");
                }
            }
            else
            {
                AppendBlocks(child, text);
            }
        }
    }

    private static ParsedDocument FromPdf(string name, byte[] content)
    {
        try
        {
            using var pdf = PdfDocument.Open(content);
            var text = new StringBuilder();
            foreach (var page in pdf.GetPages())
            {
                var pageText = ContentOrderTextExtractor.GetText(page);
                if (!string.IsNullOrWhiteSpace(pageText))
                {
                    text.Append("## Page ").Append(page.Number).Append("\n\n").Append(pageText.Trim()).Append("\n\n");
                }
            }
            var title = pdf.Information.Title is { Length: > 0 } t ? t : Path.GetFileNameWithoutExtension(name);
            return new ParsedDocument(title, text.ToString());
        }
        catch (Exception ex) when (ex is not MalformedDocumentException and not OutOfMemoryException)
        {
            // PdfPig reports broken files with several exception types; all mean the same thing to a caller.
            throw new MalformedDocumentException($"'{name}' is not a readable PDF: {ex.Message}", ex);
        }
    }

    private static string Collapse(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
