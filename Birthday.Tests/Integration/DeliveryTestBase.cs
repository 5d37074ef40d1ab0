using System.Globalization;
using System.Text.Json;
using NodaTime;

namespace Birthday.Tests.Integration;

/// <summary>
/// What every delivery test works with: a client of the users API through the gateway, the email service's record of
/// what it received, and the application's virtual clock.
/// </summary>
public abstract class DeliveryTestBase(BirthdayApplication application) : IDisposable
{
    private protected static readonly LocalTime NineAm = new(9, 0);
    private readonly HttpClient _simulatorHttp = application.App.CreateHttpClient("email-simulator");

    private protected BirthdayApplication Application { get; } = application;

    private protected HttpClient Gateway { get; } = application.CreateGatewayClient();

    private protected VirtualTime Time { get; } = new(application);

    private protected UsersApiClient Api => new(Gateway);

    private protected EmailSimulatorClient Simulator => new(_simulatorHttp);

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Gateway.Dispose();
            _simulatorHttp.Dispose();
        }
    }

    /// <summary>Waits until the email service has received one message for every address; returns when each arrived, in virtual time.</summary>
    private protected async Task<IReadOnlyList<(string Email, Instant ReceivedAt)>> WaitForDeliveriesAsync(IReadOnlyList<string> emails, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(emails);
        var received = new Dictionary<string, IReadOnlyList<JsonElement>>();
        await Eventually.HoldsAsync(async () =>
        {
            foreach (var email in emails.Where(e => !received.ContainsKey(e)))
            {
                if (await Simulator.SentToAsync(email) is { Count: > 0 } sent)
                {
                    received[email] = sent;
                }
            }

            return received.Count == emails.Count;
        }, timeout, () => $"{emails.Count - received.Count} of {emails.Count} messages not delivered within {timeout}.\n{Application.LogTail("worker", 30)}");

        // The simulator stamps a delivery with its real clock; the shared offset (unchanged since the clock last moved) makes it virtual.
        var offset = await Time.OffsetAsync();
        return [.. received.Select(r =>
        {
            var delivery = Assert.Single(r.Value);
            return (r.Key, Instant.FromDateTimeOffset(delivery.GetProperty("deliveredAt").GetDateTimeOffset()) + offset);
        })];
    }

    private protected static Instant NineAmOn(LocalDate date, string zone) =>
        date.At(NineAm).InZoneStrictly(DateTimeZoneProviders.Tzdb[zone]).ToInstant();

    private protected static string Iso(LocalDate date) => date.ToString("uuuu'-'MM'-'dd", CultureInfo.InvariantCulture);
}
