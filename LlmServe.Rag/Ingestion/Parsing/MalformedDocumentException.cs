namespace LlmServe.Rag.Ingestion.Parsing;

/// <summary>A document that cannot be read as its declared type (a broken PDF, binary sent as text, no text at all).</summary>
internal sealed class MalformedDocumentException(string message, Exception? inner = null) : Exception(message, inner);
