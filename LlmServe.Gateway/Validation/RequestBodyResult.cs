using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace LlmServe.Gateway.Validation;

/// <summary>A parsed request body (the caller disposes it) or the OpenAI-shaped error to answer with.</summary>
internal sealed record RequestBodyResult(JsonDocument? Document, IResult? Error)
{
    [MemberNotNullWhen(true, nameof(Document))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded
    {
        get
        {
            if (Error is not null)
            {
                return false;
            }
            if (Document is null)
            {
                throw new InvalidOperationException("A body result holds either a document or an error.");
            }
            return true;
        }
    }

    public static RequestBodyResult Parsed(JsonDocument document) => new(document, null);

    public static RequestBodyResult Failed(IResult error) => new(null, error);
}
