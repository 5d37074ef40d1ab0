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

    public static Task<Results<Created<UserResponse>, ValidationProblem, ProblemHttpResult>> CreateUser(
        HttpRequest request, UserStore store, CancellationToken cancellationToken) =>
        SaveUserAsync(id: null, request, store, static user => TypedResults.Created($"/api/v1/users/{user.Id}", user), cancellationToken);

    public static async Task<Results<Ok<UserPage>, ValidationProblem>> ListUsers(
        HttpRequest request, UserQueries queries, CancellationToken cancellationToken)
    {
        if (!UserListQuery.TryRead(request.Query, out var query, out var errors))
        {
            return ApiProblems.Validation(errors);
        }

        return TypedResults.Ok(await queries.ListAsync(query.After, query.Limit, cancellationToken));
    }

    // An id that is not a Guid names no user: the same 404 as an id no user has.
    public static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> GetUser(string id, UserQueries queries, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var userId) && await queries.FindAsync(userId, cancellationToken) is { } user
            ? TypedResults.Ok(user)
            : ApiProblems.UserNotFound(id);

    public static Task<Results<Ok<UserResponse>, ValidationProblem, ProblemHttpResult>> UpdateUser(
        string id, HttpRequest request, UserStore store, CancellationToken cancellationToken) =>
        SaveUserAsync(id, request, store, static user => TypedResults.Ok(user), cancellationToken);

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteUser(string id, UserStore store, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var userId) && (await store.DeleteAsync(userId, cancellationToken)).Outcome == UserWriteOutcome.Done
            ? TypedResults.NoContent()
            : ApiProblems.UserNotFound(id);

    public static async Task<Results<Ok<IReadOnlyList<MessageResponse>>, ProblemHttpResult>> GetMessages(
        string id, UserQueries queries, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var userId) && await queries.MessagesAsync(userId, cancellationToken) is { } messages
            ? TypedResults.Ok(messages)
            : ApiProblems.UserNotFound(id);

    /// <summary>
    /// A create (<paramref name="id"/> null: every required field must be given) or an update of the user with that id:
    /// the body read into changes or refused field by field, the store's outcome as the answer.
    /// </summary>
    private static async Task<Results<TSaved, ValidationProblem, ProblemHttpResult>> SaveUserAsync<TSaved>(
        string? id, HttpRequest request, UserStore store, Func<UserResponse, TSaved> saved, CancellationToken cancellationToken)
        where TSaved : IResult
    {
        Guid? userId = null;
        if (id is not null)
        {
            if (!Guid.TryParse(id, out var existing))
            {
                return ApiProblems.UserNotFound(id);
            }

            userId = existing;
        }

        var body = await JsonBody.ReadAsync(request, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        if (!UserRequestReader.TryRead(body.Value, requireAll: userId is null, out var changes, out var errors))
        {
            return ApiProblems.Validation(errors);
        }

        var result = userId is { } updated
            ? await store.UpdateAsync(updated, changes, cancellationToken)
            : await store.CreateAsync(changes, cancellationToken);
        return result.Outcome switch
        {
            UserWriteOutcome.Done => saved(result.User!),
            UserWriteOutcome.NotFound => ApiProblems.UserNotFound(id!),
            UserWriteOutcome.EmailTaken => ApiProblems.EmailTaken(changes.Email.Value),
            _ => ApiProblems.Validation(result.Errors!),
        };
    }
}
