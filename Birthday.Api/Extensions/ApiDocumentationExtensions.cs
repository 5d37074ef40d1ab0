using Scalar.AspNetCore;

namespace Birthday.Api.Extensions;

public static class ApiDocumentationExtensions
{
    /// <summary>The OpenAPI document (/openapi/v1.json) and the Scalar reference page (/scalar) in Development only.</summary>
    public static WebApplication MapApiDocumentation(this WebApplication app)
    {
        if (app.Environment.IsDevelopment())
        {
            app.MapOpenApi();
            app.MapScalarApiReference();
        }

        return app;
    }
}
