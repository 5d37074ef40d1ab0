using System.Diagnostics;

namespace Birthday.Scheduler;

/// <summary>The scheduler's traces: one per unit of work that did something, none for a pass that found nothing.</summary>
public static class SchedulerActivity
{
    public static readonly ActivitySource Source = new("Birthday.Scheduler");

    /// <summary>
    /// Records a maintenance pass that changed something, as one span from when it began: whether a pass finds anything is
    /// known only at its end, and a trace for every empty pass would bury the few that matter.
    /// </summary>
    public static void RecordPass(string name, DateTimeOffset started, int count)
    {
        using var activity = Source.StartActivity(name, ActivityKind.Internal, parentContext: default, startTime: started);
        activity?.SetTag("birthday.message_count", count);
    }
}
