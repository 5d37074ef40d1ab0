using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Birthday.Core.Persistence;

/// <summary>Lets `dotnet ef migrations add` build the model without a running application or database.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<BirthdayDbContext>
{
    public BirthdayDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<BirthdayDbContext>();
        BirthdayDataExtensions.Configure(options, o => o.MigrationsAssembly(typeof(BirthdayDbContext).Assembly.GetName().Name));
        options.UseNpgsql("Host=localhost;Database=birthday");
        return new BirthdayDbContext(options.Options);
    }
}
