using System.Globalization;
using Birthday.Benchmarks;

// Benchmarks boot the whole application (host mode, every replica) and print their figures as JSON and Markdown,
// also written to docs/benchmarks/<name>.{json,md}. Run them through ./scripts/bench.sh, which builds in Release first.
var command = args.FirstOrDefault() ?? "help";
string Option(string name, string fallback)
{
    var index = Array.IndexOf(args, $"--{name}");
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}

var output = Option("output", Path.Combine("docs", "benchmarks"));
return command switch
{
    "delivery" => await DeliveryBenchmark.RunAsync(
        int.Parse(Option("messages", "100000"), CultureInfo.InvariantCulture),
        double.Parse(Option("error-rate", "0"), CultureInfo.InvariantCulture),
        output),
    "users" => await UsersBenchmark.RunAsync(
        int.Parse(Option("users", "1000000"), CultureInfo.InvariantCulture),
        int.Parse(Option("connections", "64"), CultureInfo.InvariantCulture),
        TimeSpan.FromSeconds(int.Parse(Option("seconds", "20"), CultureInfo.InvariantCulture)),
        output),
    "steady" => await SteadyDeliveryBenchmark.RunAsync(
        int.Parse(Option("per-second", "10"), CultureInfo.InvariantCulture),
        TimeSpan.FromSeconds(int.Parse(Option("seconds", "180"), CultureInfo.InvariantCulture)),
        int.Parse(Option("worker-skew-ms", "0"), CultureInfo.InvariantCulture),
        output),
    "crud" => await CrudBenchmark.RunAsync(
        [.. Option("connections", "10,64").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))],
        TimeSpan.FromSeconds(int.Parse(Option("seconds", "20"), CultureInfo.InvariantCulture)),
        Option("gateway", "") is { Length: > 0 } gateway ? new Uri(gateway) : null,
        Option("trace-sample-ratio", "") is { Length: > 0 } ratio ? double.Parse(ratio, CultureInfo.InvariantCulture) : null,
        output),
    "faults" => await FaultsBenchmark.RunAsync(
        int.Parse(Option("messages", "5000"), CultureInfo.InvariantCulture),
        Option("rows", string.Join(',', FaultsBenchmark.AllRows)).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        output),
    "first-burst" => await FirstBurstBenchmark.RunAsync(
        int.Parse(Option("concurrency", "50"), CultureInfo.InvariantCulture),
        int.Parse(Option("rounds", "3"), CultureInfo.InvariantCulture),
        output),
    "bad-input" => await BadInputCheck.RunAsync(
        new Uri(Option("gateway", "http://127.0.0.1:5100")),
        double.Parse(Option("per-second", "100"), CultureInfo.InvariantCulture),
        Option("email-prefix", $"bad-input-{Guid.NewGuid():N}-")),
    "idle-traces" => await IdleTracesBenchmark.RunAsync(
        TimeSpan.FromMinutes(int.Parse(Option("minutes", "10"), CultureInfo.InvariantCulture)),
        output),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: bench.sh delivery [--messages 100000] [--error-rate 0.1]
               bench.sh users [--users 1000000] [--connections 64] [--seconds 20]
               bench.sh steady [--per-second 10] [--seconds 180] [--worker-skew-ms -500]
               bench.sh crud [--connections 10,64] [--seconds 20] [--gateway http://127.0.0.1:5100 (an app run.sh started)]
                              [--trace-sample-ratio 0.1 (traces sampled as production would)]
               bench.sh faults [--messages 5000] [--rows worker,scheduler,postgres,replica,redis,rabbitmq,restart]
               bench.sh first-burst [--concurrency 50] [--rounds 3]
               bench.sh bad-input [--gateway URL] [--per-second 100] [--email-prefix P] (a check, not a figure: exit 1 on a wrong answer)
               bench.sh idle-traces [--minutes 10]
        """);
    return 2;
}
