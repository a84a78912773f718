namespace LlmServe.Worker.Model.Kernels;

/// <summary>The kernels' loop over independent work items: on this thread when the work is small, else over the cores.</summary>
internal static class RowLoop
{
    /// <param name="inline">True when a parallel dispatch would cost more than the work (a decode step's few rows).</param>
    public static void For(int count, bool inline, Action<int> body)
    {
        if (inline)
        {
            for (var i = 0; i < count; i++)
            {
                body(i);
            }
            return;
        }
        Parallel.For(0, count, body);
    }
}
