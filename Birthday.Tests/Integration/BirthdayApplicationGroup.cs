namespace Birthday.Tests.Integration;

/// <summary>The integration tests that share one booted application.</summary>
[CollectionDefinition(Name)]
public sealed class BirthdayApplicationGroup : ICollectionFixture<BirthdayApplication>
{
    public const string Name = "Birthday application";
}
