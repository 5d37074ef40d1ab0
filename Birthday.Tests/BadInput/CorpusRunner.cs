using System.Diagnostics;

namespace Birthday.Tests.BadInput;

/// <summary>Sends a corpus a few requests at a time, at no more than a given rate, and collects every wrong answer.</summary>
public static class CorpusRunner
{
    public static async Task<IReadOnlyList<string>> RunAsync(HttpClient http, IReadOnlyList<BadRequestCase> cases, int concurrency, double perSecond)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(cases);
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        for (var sent = 0; sent < cases.Count; sent += concurrency)
        {
            var batch = cases.Skip(sent).Take(concurrency);
            var answers = await Task.WhenAll(batch.Select(async request =>
            {
                try
                {
                    using var message = request.ToRequest(http.BaseAddress!);
                    using var response = await http.SendAsync(message);
                    return await ProblemAnswer.CheckAsync(request, response);
                }
                catch (HttpRequestException ex)
                {
                    return $"{request}: no answer ({ex.Message})";
                }
            }));
            failures.AddRange(answers.OfType<string>());

            // Paced, so a limiter in front never answers in the input's place.
            var due = TimeSpan.FromSeconds((sent + concurrency) / perSecond);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }
        }

        return failures;
    }

    public static string Describe(IReadOnlyList<string> failures, int total) =>
        $"{failures.Count} of {total} malformed requests were answered wrongly:\n" + string.Join("\n", failures.Take(60));
}
