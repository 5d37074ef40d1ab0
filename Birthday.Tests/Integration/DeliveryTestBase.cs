using System.Globalization;
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

    private protected static Instant NineAmOn(LocalDate date, string zone) =>
        date.At(NineAm).InZoneStrictly(DateTimeZoneProviders.Tzdb[zone]).ToInstant();

    private protected static string Iso(LocalDate date) => date.ToString("uuuu'-'MM'-'dd", CultureInfo.InvariantCulture);
}
