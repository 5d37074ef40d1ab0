using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Birthday.Tests.Integration;

/// <summary>Keeps every resource's recent log lines, so a failure can say what the server said.</summary>
internal sealed class ResourceLogs
{
    private readonly Dictionary<string, Queue<string>> _lines = [];

    public void Follow(DistributedApplication app)
    {
        var loggerService = app.Services.GetRequiredService<ResourceLoggerService>();
        foreach (var resource in app.Services.GetRequiredService<DistributedApplicationModel>().Resources)
        {
            _ = Task.Run(async () =>
            {
                await foreach (var batch in loggerService.WatchAsync(resource.Name))
                {
                    lock (_lines)
                    {
                        var queue = _lines.TryGetValue(resource.Name, out var q) ? q : _lines[resource.Name] = new Queue<string>();
                        foreach (var line in batch)
                        {
                            queue.Enqueue(line.Content);
                            if (queue.Count > 200)
                            {
                                queue.Dequeue();
                            }
                        }
                    }
                }
            });
        }
    }

    public string Tail(IEnumerable<string> resourceNames, int lines)
    {
        var text = new StringBuilder();
        lock (_lines)
        {
            foreach (var name in resourceNames)
            {
                text.Append("--- ").Append(name).AppendLine(" ---");
                if (_lines.TryGetValue(name, out var queue))
                {
                    foreach (var line in queue.TakeLast(lines))
                    {
                        text.AppendLine(line);
                    }
                }
            }
        }

        return text.ToString();
    }
}
