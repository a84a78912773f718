namespace LlmServe.Worker.Engine;

/// <summary>Why a generation ended, with OpenAI's wire names.</summary>
internal enum FinishReason
{
    Stop,
    Length,
    Abort,
}

internal static class FinishReasonExtensions
{
    public static string ToWire(this FinishReason reason) => reason switch
    {
        FinishReason.Stop => "stop",
        FinishReason.Length => "length",
        _ => "abort",
    };
}
