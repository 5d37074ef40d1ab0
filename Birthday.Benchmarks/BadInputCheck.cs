using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Birthday.Tests.BadInput;

namespace Birthday.Benchmarks;

/// <summary>
/// The integration tests' bad-input corpus against a running deployment's gateway, for the environments the tests do
/// not boot: the Compose check runs it against the production stack (Production environment, real Kestrel limits).
/// Every malformed request must get its 4xx with an RFC 9457 body, a user it names must read back unchanged, and
/// odd-but-valid text must come back byte for byte. The users the corpus would have created all have emails starting
/// with the printed prefix, so a caller with database access can check that none was stored.
/// </summary>
public static class BadInputCheck
{
    private static readonly string[] OddButValid =
        ["😀 Zoë", "Zoe\u0308", "👩‍👩‍👧‍👦", "O'Brien-Ñúñez", "d'Artagnan \"the\" 3rd", "القاهرة", "ישראל", "<script>alert(1)</script>", new string('x', 100)];

    public static async Task<int> RunAsync(Uri gateway, double perSecond, string emailPrefix)
    {
        using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };
        var created = await CreateAsync(http, "Ada", $"{emailPrefix}anchor@example.com");
        var path = $"{BadInputCorpus.UsersPath}/{created}";
        var before = await http.GetStringAsync(new Uri(path, UriKind.Relative));

        var sequence = 0;
        var cases = BadInputCorpus.All(() => $"{emailPrefix}{Interlocked.Increment(ref sequence)}@example.com", path).ToList();
        var failures = (await CorpusRunner.RunAsync(http, cases, concurrency: 8, perSecond)).ToList();
        var after = await http.GetStringAsync(new Uri(path, UriKind.Relative));
        if (after != before)
        {
            failures.Add($"{path} changed: {before} → {after}");
        }

        foreach (var name in OddButValid)
        {
            var id = await CreateAsync(http, name, $"odd-{Guid.NewGuid():N}@example.com");
            using var read = JsonDocument.Parse(await http.GetStringAsync(new Uri($"{BadInputCorpus.UsersPath}/{id}", UriKind.Relative)));
            var stored = read.RootElement.GetProperty("firstName").GetString()!;
            if (!Encoding.UTF8.GetBytes(stored).AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(name)))
            {
                failures.Add($"firstName {name} came back as {stored}");
            }
        }

        Console.WriteLine($"{cases.Count} malformed requests through {gateway}: {failures.Count} answered wrongly; {OddButValid.Length} odd-but-valid names read back");
        foreach (var failure in failures.Take(50))
        {
            Console.WriteLine($"  {failure}");
        }

        return failures.Count == 0 ? 0 : 1;
    }

    private static async Task<string> CreateAsync(HttpClient http, string firstName, string email)
    {
        using var response = await http.PostAsJsonAsync(new Uri(BadInputCorpus.UsersPath, UriKind.Relative), new
        {
            firstName,
            lastName = "Lovelace",
            email,
            timezone = "Europe/London",
            birthdayDate = "1990-05-17",
        });
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"creating a user answered {(int)response.StatusCode}: {text}");
        }

        using var document = JsonDocument.Parse(text);
        return document.RootElement.GetProperty("id").GetString()!;
    }
}
