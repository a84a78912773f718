using System.Globalization;
using System.Text;

namespace LlmServe.Worker.Engine.Metrics;

/// <summary>A cumulative histogram rendered in the Prometheus text format (thread-safe).</summary>
internal sealed class PrometheusHistogram(string name, string help, double[] bounds)
{
    private readonly long[] _counts = new long[bounds.Length + 1];
    private double _sum;
    private long _count;
    private readonly Lock _gate = new();

    public void Observe(double value)
    {
        lock (_gate)
        {
            var i = Array.FindIndex(bounds, b => value <= b);
            _counts[i < 0 ? bounds.Length : i]++;
            _sum += value;
            _count++;
        }
    }

    public void Render(StringBuilder sb, string labels)
    {
        lock (_gate)
        {
            sb.Append("# HELP ").Append(name).Append(' ').AppendLine(help);
            sb.Append("# TYPE ").Append(name).AppendLine(" histogram");
            long cumulative = 0;
            for (var i = 0; i < bounds.Length; i++)
            {
                cumulative += _counts[i];
                sb.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{labels},le=\"{bounds[i].ToString(CultureInfo.InvariantCulture)}\"}} {cumulative}\n");
            }
            sb.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{labels},le=\"+Inf\"}} {_count}\n");
            sb.Append(CultureInfo.InvariantCulture, $"{name}_sum{{{labels}}} {_sum}\n");
            sb.Append(CultureInfo.InvariantCulture, $"{name}_count{{{labels}}} {_count}\n");
        }
    }
}
