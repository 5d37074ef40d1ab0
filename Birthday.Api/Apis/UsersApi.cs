using Birthday.Api.Extensions;
using Birthday.Api.Users;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Birthday.Api.Apis;

public static class UsersApi
{
    /// <summary>A user is a few hundred bytes; anything past this is not a user.</summary>
    public const long MaxBodyBytes = 16 * 1024;

    public static IEndpointRouteBuilder MapUsersEndpoints(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/v1/users").WithTags("Users");

        users.MapPost("/", CreateUser).WithRequestSizeLimit(MaxBodyBytes);
        users.MapGet("/", ListUsers);
        users.MapGet("/{id}", GetUser);
        users.MapPut("/{id}", UpdateUser).WithRequestSizeLimit(MaxBodyBytes);
        users.MapDelete("/{id}", DeleteUser);
        users.MapGet("/{id}/messages", GetMessages);
        return app;
    }

    public static async Task<Results<Created<UserResponse>, ValidationProblem, ProblemHttpResult>> CreateUser(
        HttpRequest request, UserStore store, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var reader = new UserRequestReader();
        var changes = reader.Read(body.Value, requireAll: true);
        if (reader.HasErrors)
        {
            return ApiProblems.Validation(reader.Errors);
        }

        var result = await store.CreateAsync(changes, reader, cancellationToken);
        return result.Outcome switch
        {
            UserWriteOutcome.Done => TypedResults.Created($"/api/v1/users/{result.User!.Id}", UserResponse.From(result.User)),
            UserWriteOutcome.EmailTaken => ApiProblems.EmailTaken(changes.Email.Value),
            _ => ApiProblems.Validation(result.Errors!),
        };
    }

    public static async Task<Results<Ok<UserPage>, ValidationProblem>> ListUsers(
        HttpRequest request, UserQueries queries, CancellationToken cancellationToken)
    {
        if (!UserListQuery.TryRead(request.Query, out var query, out var errors))
        {
            return ApiProblems.Validation(errors);
        }

        return TypedResults.Ok(await queries.ListAsync(query.After, query.Limit, cancellationToken));
    }

    public static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> GetUser(string id, UserQueries queries, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var userId))
        {
            return ApiProblems.UserNotFound(id);
        }

        var user = await queries.FindAsync(userId, cancellationToken);
        return user is null ? ApiProblems.UserNotFound(id) : TypedResults.Ok(user);
    }

    public static async Task<Results<Ok<UserResponse>, ValidationProblem, ProblemHttpResult>> UpdateUser(
        string id, HttpRequest request, UserStore store, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var userId))
        {
            return ApiProblems.UserNotFound(id);
        }

        var body = await JsonBody.ReadAsync(request, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var reader = new UserRequestReader();
        var changes = reader.Read(body.Value, requireAll: false);
        if (reader.HasErrors)
        {
            return ApiProblems.Validation(reader.Errors);
        }

        var result = await store.UpdateAsync(userId, changes, reader, cancellationToken);
        return result.Outcome switch
        {
            UserWriteOutcome.Done => TypedResults.Ok(UserResponse.From(result.User!)),
            UserWriteOutcome.NotFound => ApiProblems.UserNotFound(id),
            UserWriteOutcome.EmailTaken => ApiProblems.EmailTaken(changes.Email.Value),
            _ => ApiProblems.Validation(result.Errors!),
        };
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteUser(string id, UserStore store, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var userId))
        {
            return ApiProblems.UserNotFound(id);
        }

        var result = await store.DeleteAsync(userId, cancellationToken);
        return result.Outcome == UserWriteOutcome.Done ? TypedResults.NoContent() : ApiProblems.UserNotFound(id);
    }

    public static async Task<Results<Ok<IReadOnlyList<MessageResponse>>, ProblemHttpResult>> GetMessages(
        string id, UserQueries queries, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var userId))
        {
            return ApiProblems.UserNotFound(id);
        }

        var messages = await queries.MessagesAsync(userId, cancellationToken);
        return messages is null ? ApiProblems.UserNotFound(id) : TypedResults.Ok(messages);
    }
}
