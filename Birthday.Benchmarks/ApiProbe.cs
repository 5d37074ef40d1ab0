using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Birthday.Benchmarks;

/// <summary>
/// A client that keeps using the API through the gateway while a fault plays out: it reads one user ten times a second,
/// and twice a second creates a user and reads it straight back (read-your-writes). It counts what failed and when.
/// </summary>
public sealed class ApiProbe : IAsyncDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);
    private readonly HttpClient _gateway;
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock;
    private readonly List<Task> _loops = [];
    private readonly Lock _gate = new();
    private string _readUserId = "";
    private TimeSpan? _lastFailure;

    private ApiProbe(HttpClient gateway, Stopwatch clock)
    {
        _gateway = gateway;
        _gateway.Timeout = RequestTimeout;
        _clock = clock;
    }

    public int Requests { get; private set; }

    public int Failures { get; private set; }

    /// <summary>Writes that answered 201 but whose user a read straight after did not return as written.</summary>
    public int ReadYourWritesMisses { get; private set; }

    /// <summary>When (on the run's clock) the last request failed; null when none did.</summary>
    public TimeSpan? LastFailure
    {
        get
        {
            lock (_gate)
            {
                return _lastFailure;
            }
        }
    }

    public static async Task<ApiProbe> StartAsync(HttpClient gateway, Stopwatch clock)
    {
        var probe = new ApiProbe(gateway, clock);
        probe._readUserId = await probe.CreateAsync() ?? throw new InvalidOperationException("the probe could not create its user");
        probe._loops.Add(Task.Run(() => probe.LoopAsync(TimeSpan.FromMilliseconds(100), probe.ReadOnceAsync)));
        probe._loops.Add(Task.Run(() => probe.LoopAsync(TimeSpan.FromMilliseconds(500), probe.WriteAndReadBackOnceAsync)));
        return probe;
    }

    private async Task LoopAsync(TimeSpan interval, Func<Task<bool>> request)
    {
        while (!_stop.IsCancellationRequested)
        {
            bool ok;
            try
            {
                ok = await request();
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
            {
                ok = false;
            }

            lock (_gate)
            {
                Requests++;
                if (!ok)
                {
                    Failures++;
                    _lastFailure = _clock.Elapsed;
                }
            }

            try
            {
                await Task.Delay(interval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<bool> ReadOnceAsync()
    {
        using var response = await _gateway.GetAsync(new Uri($"/api/v1/users/{_readUserId}", UriKind.Relative));
        return response.StatusCode == HttpStatusCode.OK;
    }

    private async Task<bool> WriteAndReadBackOnceAsync()
    {
        var id = await CreateAsync();
        if (id is null)
        {
            return false;
        }

        using var read = await _gateway.GetAsync(new Uri($"/api/v1/users/{id}", UriKind.Relative));
        if (read.StatusCode != HttpStatusCode.OK)
        {
            lock (_gate)
            {
                ReadYourWritesMisses++;
            }

            return false;
        }

        return true;
    }

    private async Task<string?> CreateAsync()
    {
        // A birthday half a year away: the probe's users never join the burst being measured.
        using var response = await _gateway.PostAsJsonAsync(new Uri("/api/v1/users", UriKind.Relative), new
        {
            firstName = "Probe",
            lastName = "User",
            email = $"probe-{Guid.NewGuid():N}@example.com",
            timezone = "Europe/Paris",
            birthdayDate = "1990-12-01",
        });
        return response.StatusCode == HttpStatusCode.Created
            ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()
            : null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
        _stop.Dispose();
        _gateway.Dispose();
    }
}
