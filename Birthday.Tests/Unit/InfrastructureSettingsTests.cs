using Birthday.Hosting.Infrastructure;
using Birthday.Hosting.Infrastructure.Host;

namespace Birthday.Tests.Unit;

public class InfrastructureSettingsTests
{
    [Theory]
    [InlineData(null, InfrastructureMode.Auto)]
    [InlineData("auto", InfrastructureMode.Auto)]
    [InlineData("Host", InfrastructureMode.Host)]
    [InlineData(" containers ", InfrastructureMode.Containers)]
    public void Known_modes_are_accepted_whatever_their_case(string? value, InfrastructureMode expected)
    {
        Assert.True(InfrastructureModeResolver.TryParse(value, out var mode));
        Assert.Equal(expected, mode);
    }

    [Fact]
    public async Task An_unknown_mode_stops_the_AppHost_with_the_valid_values()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            DistributedApplicationTestingBuilder.CreateAsync<Projects.Birthday_AppHost>(["--Infrastructure:Mode=kubernetes"]));

        var message = error.GetBaseException().Message;
        Assert.Contains("kubernetes", message, StringComparison.Ordinal);
        Assert.Contains("auto, host, containers", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_server_binaries_name_the_packages_to_install()
    {
        var emptyRoot = Directory.CreateTempSubdirectory("no-servers-").FullName;
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() => ServerBinaries.Locate(emptyRoot));

            Assert.Contains("postgresql", error.Message, StringComparison.Ordinal);
            Assert.Contains("rabbitmq-server", error.Message, StringComparison.Ordinal);
            Assert.Contains("redis-server", error.Message, StringComparison.Ordinal);
            Assert.Contains("apt-get install", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(emptyRoot);
        }
    }
}
