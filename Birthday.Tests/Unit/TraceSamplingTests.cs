using Aspire.Hosting.ApplicationModel;
using Birthday.Hosting;

namespace Birthday.Tests.Unit;

/// <summary>
/// The share of traces kept while running (Telemetry:TraceSampleRatio): every trace by default, and below 1 the
/// sampling the exported Compose file sets, so a load test here can measure the application as production runs it.
/// </summary>
public sealed class TraceSamplingTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("birthday-model-").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    [Fact]
    public async Task Below_1_the_public_door_samples_by_trace_id_and_every_service_behind_it_follows_its_parent()
    {
        await using var builder = await ModelAsync();

        var samplers = builder.Resources.OfType<ProjectResource>().ToDictionary(p => p.Name, p => TraceSamplingExtensions.SamplerFor(p, 0.1));

        Assert.Equal("traceidratio", samplers["gateway"]);
        Assert.All(samplers.Where(s => s.Key != "gateway"), s => Assert.Equal("parentbased_traceidratio", s.Value));
        Assert.Contains("api-1", samplers.Keys);
        Assert.Contains("worker", samplers.Keys);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    public async Task A_share_outside_0_to_1_stops_the_AppHost_with_the_setting_named(string ratio)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ModelAsync($"--{TraceSamplingExtensions.RatioSetting}={ratio}"));

        Assert.Contains(TraceSamplingExtensions.RatioSetting, error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>The AppHost's model with its state in a folder of this test's own (never the developer's .state).</summary>
    private Task<IDistributedApplicationTestingBuilder> ModelAsync(params string[] settings) =>
        DistributedApplicationTestingBuilder.CreateAsync<Projects.Birthday_AppHost>(
            ["--Infrastructure:Mode=host", $"--Infrastructure:StateDirectory={_state}", .. settings]);
}
