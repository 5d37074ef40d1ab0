using System.Diagnostics;
using OpenTelemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// A call to a dependency (Postgres, Redis, another service) is exported only as a part of something recorded: a
/// request, a delivery, a named unit of background work. One made outside all of them would be a trace of its own in
/// the dashboard: Npgsql traces each physical connection it opens ("CONNECT birthday") and offers no filter for those,
/// so every pool growth behind an idle poll would be a root. One made inside a health probe (whose request span is not
/// recorded) would be listed as a trace too, its parent missing, since Aspire samples "always on" while developing:
/// the readiness checks' Postgres queries, about one a second per api instance. Runs before the exporter, which skips
/// what is not recorded.
/// </summary>
internal sealed class StandaloneDependencyCallFilter : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data)
    {
        if (data.Kind == ActivityKind.Client && (data.ParentSpanId == default || data.Parent is { Recorded: false }))
        {
            data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }
    }
}
