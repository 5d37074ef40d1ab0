using System.Globalization;
using System.Text;

namespace Birthday.Tests.BadInput;

/// <summary>
/// Malformed requests to the users API, generated from tables rather than picked one by one: every bad value goes into
/// every field it is bad for, on create and on update, so a class of input (a lone surrogate, a control character, a
/// wrong JSON type, a byte that is not UTF-8…) is tried everywhere at once. Each case says what it must get.
/// The same corpus runs in-process against the api in Development and Production, and through the gateway.
/// </summary>
public static class BadInputCorpus
{
    public const string UsersPath = "/api/v1/users";

    public static readonly string[] Fields =
        ["firstName", "lastName", "email", "timezone", "birthdayDate", "anniversaryDate", "locationCity", "locationCountry"];

    /// <summary>Fields that may be null or absent: null is no fault there.</summary>
    private static readonly string[] Nullable = ["birthdayDate", "anniversaryDate", "locationCity", "locationCountry"];

    /// <summary>Fields where an empty string clears the value rather than being refused.</summary>
    private static readonly string[] EmptyClears = ["locationCity", "locationCountry"];

    /// <summary>
    /// Values that are bad in any field that holds them, with what the request must get. Strings are JSON text as sent
    /// (escapes included), so a lone surrogate escape or a raw byte that is not UTF-8 goes over the wire as is.
    /// </summary>
    public static IEnumerable<BadValue> Values()
    {
        // Every JSON type but the one the field takes.
        foreach (var json in new[] { "0", "-1", "1.5", "1e400", "-0", "true", "false", "[]", "[\"Ada\"]", "{}", "{\"value\":\"Ada\"}" })
        {
            yield return new BadValue($"json {json}", Ascii(json), Fault.Field);
        }

        yield return new BadValue("json null", Ascii("null"), Fault.Field, field => !Nullable.Contains(field));

        // Every C0 control, DEL and C1 controls, inside the text (at its ends some are whitespace and trimmed away).
        foreach (var code in Enumerable.Range(0, 0x20).Append(0x7F).Append(0x80).Append(0x85).Append(0x9F))
        {
            yield return new BadValue($"control U+{code:X4}", Ascii($"\"A\\u{code:x4}da\""), Fault.Field);
        }

        // Lone surrogates, high and low, alone, inside text, reversed and doubled.
        foreach (var escaped in new[] { @"\ud800", @"\udbff", @"\udc00", @"\udfff", @"A\ud800da", @"Ada\udc00", @"\udc00\ud800", @"\ud800\ud800", @"\ud83d", @"\ud83dA" })
        {
            yield return new BadValue($"lone surrogate {escaped}", Ascii($"\"{escaped}\""), Fault.Field);
        }

        // Byte sequences that are not UTF-8: stray continuation bytes, truncated sequences, overlong forms, encoded
        // surrogates, code points past U+10FFFF, and bytes that never occur.
        foreach (var bytes in InvalidUtf8)
        {
            yield return new BadValue($"invalid UTF-8 {Convert.ToHexString(bytes)}", [(byte)'"', (byte)'A', .. bytes, (byte)'a', (byte)'"'], Fault.InvalidUtf8);
        }

        yield return new BadValue("empty", Ascii("\"\""), Fault.Field, field => !EmptyClears.Contains(field));
        yield return new BadValue("whitespace", Ascii("\" \\t \""), Fault.Field, field => !EmptyClears.Contains(field));
        yield return new BadValue("101 characters", Ascii($"\"{new string('x', 101)}\""), Fault.Field, field => field != "email");
        yield return new BadValue("101 emoji", Utf8($"\"{string.Concat(Enumerable.Repeat("😀", 101))}\""), Fault.Field, field => field != "email");
        yield return new BadValue("256-character email", Ascii($"\"{new string('a', 244)}@example.com\""), Fault.Field);
        yield return new BadValue("10,000 characters", Ascii($"\"{new string('x', 10_000)}\""), Fault.Field);
        yield return new BadValue("20,000 characters: over the api's 16 KiB", Ascii($"\"{new string('x', 20_000)}\""), Fault.TooLarge);
        yield return new BadValue("nested 100 deep", Ascii(new string('[', 100) + new string(']', 100)), Fault.MalformedJson);
        yield return new BadValue("unterminated string", Ascii("\"Ada"), Fault.MalformedJson);
        yield return new BadValue("bare word", Ascii("Ada"), Fault.MalformedJson);
        yield return new BadValue("single quotes", Ascii("'Ada'"), Fault.MalformedJson);
        yield return new BadValue("raw tab in a string", Ascii("\"A\tda\""), Fault.MalformedJson);
        yield return new BadValue("NaN", Ascii("NaN"), Fault.MalformedJson);
        yield return new BadValue("huge number", Ascii(new string('9', 5000)), Fault.Field);

        // Text that is fine as text, but not as a zone, a date or an address.
        foreach (var text in new[] { "Europe/Londonx", "europe/london", "../../etc/passwd", "Europe/London\\u0000", "1990-05-17", "Ada Lovelace" })
        {
            yield return new BadValue($"zone {text}", Ascii($"\"{text}\""), Fault.Field, field => field == "timezone");
        }

        foreach (var text in new[] { "1990-02-30", "1990-5-17", "17/05/1990", "1899-12-31", "1990-05-17T00:00:00Z", "\uff11\uff19\uff19\uff10-05-17", "+1990-05-17", "19900517", "0000-01-01" })
        {
            yield return new BadValue($"date {text}", Utf8($"\"{text}\""), Fault.Field, field => field is "birthdayDate" or "anniversaryDate");
        }

        foreach (var text in new[] { "ada", "ada@", "@example.com", "a@b", "ada lovelace@example.com", "<ada@example.com>", "ada@example.com.", "Ada <ada@example.com>" })
        {
            yield return new BadValue($"email {text}", Ascii($"\"{text}\""), Fault.Field, field => field == "email");
        }
    }

    public static readonly byte[][] InvalidUtf8 =
    [
        [0x80], [0xBF], [0xC3], [0xC3, 0x28], [0xE2, 0x28, 0xA1], [0xE2, 0x82, 0x28], [0xE2, 0x82], [0xF0, 0x28, 0x8C, 0xBC],
        [0xF0, 0x90, 0x28, 0xBC], [0xF0, 0x9F, 0x98], [0xC0, 0xAF], [0xC1, 0xBF], [0xE0, 0x80, 0xAF], [0xF0, 0x80, 0x80, 0xAF],
        [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80],
        [0xFE], [0xFF], [0xFF, 0xFE],
    ];

    /// <summary>A bad value in each field it is bad for: on create (the rest of the user valid, a unique email) and on update.</summary>
    public static IEnumerable<BadRequestCase> FieldCases(Func<string> uniqueEmail, string existingUserPath)
    {
        ArgumentNullException.ThrowIfNull(uniqueEmail);
        foreach (var value in Values())
        {
            foreach (var field in Fields.Where(value.AppliesTo))
            {
                var expected = value.Expected(field);
                yield return new BadRequestCase($"create: {field} = {value.Label}", HttpMethod.Post, UsersPath,
                    UserBody(uniqueEmail(), field, value.Json), "application/json", expected.Status, expected.Field);
                yield return new BadRequestCase($"update: {field} = {value.Label}", HttpMethod.Put, existingUserPath,
                    JsonObject((field, value.Json)), "application/json", expected.Status, expected.Field);
            }
        }
    }

    /// <summary>Bodies wrong as a whole: not an object, not JSON, fields twice, names that are not text, wrong media types.</summary>
    public static IEnumerable<BadRequestCase> BodyCases(Func<string> uniqueEmail, string existingUserPath)
    {
        ArgumentNullException.ThrowIfNull(uniqueEmail);
        foreach (var (method, path) in new[] { (HttpMethod.Post, UsersPath), (HttpMethod.Put, existingUserPath) })
        {
            var verb = method == HttpMethod.Post ? "create" : "update";
            foreach (var json in new[] { "null", "[]", "[{}]", "1", "\"Ada\"", "true" })
            {
                yield return new BadRequestCase($"{verb}: body {json}", method, path, Ascii(json), "application/json", 400, "$");
            }

            foreach (var json in new[] { "", " ", "{", "}", "{\"firstName\":\"Ada\",}", "/* */{}", "{} {}", "{\"firstName\" \"Ada\"}", "{firstName:\"Ada\"}", "\u00a0{}" })
            {
                yield return new BadRequestCase($"{verb}: malformed body '{json}'", method, path, Utf8(json), "application/json", 400, null);
            }

            yield return new BadRequestCase($"{verb}: nested 65 deep", method, path,
                Ascii("{\"locationCity\":" + new string('[', 65) + new string(']', 65) + "}"), "application/json", 400, null);
            yield return new BadRequestCase($"{verb}: nested 5,000 deep", method, path,
                Ascii("{\"locationCity\":" + new string('[', 5000) + new string(']', 5000) + "}"), "application/json", 400, null);
            yield return new BadRequestCase($"{verb}: 20 KiB of padding", method, path,
                UserBody(uniqueEmail(), "padding", Ascii($"\"{new string('x', 20 * 1024)}\"")), "application/json", 413, null);

            foreach (var field in Fields)
            {
                // Both copies valid on their own: only the repetition is at fault.
                var body = UserBody(uniqueEmail(), field, ValidValue(field, uniqueEmail));
                yield return new BadRequestCase($"{verb}: {field} given twice", method, path,
                    [.. body[..^1], .. Ascii($",\"{field}\":"), .. ValidValue(field, uniqueEmail), (byte)'}'], "application/json", 400, field);
            }

            foreach (var name in new[] { @"\ud800", @"\udc00", @"\ud800\ud800", @"first\udfffName" })
            {
                var body = UserBody(uniqueEmail(), "locationCity", Ascii("\"Paris\""));
                yield return new BadRequestCase($"{verb}: property name {name}", method, path,
                    [.. body[..^1], .. Ascii($",\"{name}\":1}}")], "application/json", 400, "$");
            }

            foreach (var bytes in InvalidUtf8.Take(6))
            {
                var body = UserBody(uniqueEmail(), "locationCity", Ascii("\"Paris\""));
                yield return new BadRequestCase($"{verb}: property name with bytes {Convert.ToHexString(bytes)}", method, path,
                    [.. body[..^1], .. Ascii(",\"x"), .. bytes, .. Ascii("\":1}")], "application/json", 400, null);
                yield return new BadRequestCase($"{verb}: unknown field holding bytes {Convert.ToHexString(bytes)}", method, path,
                    [.. body[..^1], .. Ascii(",\"nickname\":\""), .. bytes, .. Ascii("\"}")], "application/json", 400, null);
            }

            // The body that the first report of this bug held, byte for byte.
            yield return new BadRequestCase($"{verb}: the reported body {{\"firstName\": \"\\xc3(\"}}", method, path,
                [.. Ascii("{\"firstName\": \""), 0xC3, (byte)'(', .. Ascii("\"}")], "application/json", 400, null);

            foreach (var contentType in new[]
            {
                null, "text/plain", "text/json", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "application/json; charset=latin1", "application/json; charset=iso-8859-1", "application/json; charset=utf-16",
                "application/json; charset=utf-32", "application/json; charset=\"windows-1252\"", "application/jsonx", "json", "application/",
                "*/*", "application/octet-stream", "application/json; charset=", "application/json, text/plain",
            })
            {
                yield return new BadRequestCase($"{verb}: Content-Type {contentType ?? "(none)"}", method, path,
                    UserBody(uniqueEmail(), "locationCity", Ascii("\"Paris\"")), contentType, 415, null);
            }
        }
    }

    /// <summary>Query parameters of the list: not numbers, out of range, empty, repeated, overflowing.</summary>
    public static IEnumerable<BadRequestCase> QueryCases()
    {
        foreach (var limit in new[]
        {
            "abc", "1.5", "", "99999999999", "2147483648", "-1", "0", "201", "+5", "%205", "5%20", "5%09", "0x10", "1e2", "%00", "%ff", "%C3%28", "%ED%A0%80",
            "%D9%A1", "%EF%BC%95", "5%00", "null", "true", "[1]", new string('9', 3000), "1,2",
        })
        {
            yield return Get($"?limit={limit}", "limit");
        }

        yield return Get("?limit", "limit");
        yield return Get("?limit=1&limit=2", "limit");
        yield return Get("?limit=1&limit=1", "limit");
        yield return Get("?limit=" + string.Join("&limit=", Enumerable.Repeat("1", 500)), "limit");
        yield return Get("?LIMIT=1&limit=2", "limit");
        foreach (var after in new[] { "abc", "", "%00", "%ff", "0190a6b2-0000-7000-8000-00000000000", "0190a6b2-0000-7000-8000-0000000000000", new string('f', 3000) })
        {
            yield return Get($"?after={after}", "after");
        }

        yield return Get("?after", "after");
        yield return Get("?after=0190a6b2-0000-7000-8000-000000000000&after=0190a6b2-0000-7000-8000-000000000001", "after");
        yield return Get("?after=" + string.Join("&after=", Enumerable.Repeat("0190a6b2-0000-7000-8000-000000000000", 100)), "after");
        yield return Get("?limit=abc&after=abc", "limit");

        static BadRequestCase Get(string query, string field) =>
            new($"list {(query.Length > 80 ? query[..80] + "…" : query)}", HttpMethod.Get, UsersPath + query, null, null, 400, field);
    }

    /// <summary>Ids that are not users, methods the API does not have.</summary>
    public static IEnumerable<BadRequestCase> PathCases(string existingUserPath)
    {
        foreach (var id in new[] { "abc", "%ff", "%C3%28", "%ED%A0%80", "%F0%9F%98%80", "%E2%80%AE", new string('a', 4000), "0190a6b2-0000-7000-8000-00000000000g" })
        {
            yield return new BadRequestCase($"get user {Shorten(id)}", HttpMethod.Get, $"{UsersPath}/{id}", null, null, 404, null);
            yield return new BadRequestCase($"get messages of {Shorten(id)}", HttpMethod.Get, $"{UsersPath}/{id}/messages", null, null, 404, null);
            yield return new BadRequestCase($"delete user {Shorten(id)}", HttpMethod.Delete, $"{UsersPath}/{id}", null, null, 404, null);
        }

        yield return new BadRequestCase("a path past messages", HttpMethod.Get, $"{existingUserPath}/messages/1", null, null, 404, null);
        yield return new BadRequestCase("PATCH a user", HttpMethod.Patch, existingUserPath, Ascii("{\"firstName\":\"Ada\"}"), "application/json", 405, null);
        yield return new BadRequestCase("POST to a user", HttpMethod.Post, existingUserPath, Ascii("{\"firstName\":\"Ada\"}"), "application/json", 405, null);
        yield return new BadRequestCase("PUT the collection", HttpMethod.Put, UsersPath, Ascii("{\"firstName\":\"Ada\"}"), "application/json", 405, null);
        yield return new BadRequestCase("DELETE the collection", HttpMethod.Delete, UsersPath, null, null, 405, null);
    }

    public static IEnumerable<BadRequestCase> All(Func<string> uniqueEmail, string existingUserPath) =>
        FieldCases(uniqueEmail, existingUserPath)
            .Concat(BodyCases(uniqueEmail, existingUserPath))
            .Concat(QueryCases())
            .Concat(PathCases(existingUserPath));

    /// <summary>A valid user (a unique email) with one field replaced by the given JSON text, or added when it is not a user field.</summary>
    public static byte[] UserBody(string email, string field, byte[] json)
    {
        var fields = new List<(string, byte[])>
        {
            ("firstName", Ascii("\"Ada\"")),
            ("lastName", Ascii("\"Lovelace\"")),
            ("email", Ascii($"\"{email}\"")),
            ("timezone", Ascii("\"Europe/London\"")),
            ("birthdayDate", Ascii("\"1990-05-17\"")),
            ("anniversaryDate", Ascii("\"2015-03-01\"")),
            ("locationCity", Ascii("\"London\"")),
            ("locationCountry", Ascii("\"United Kingdom\"")),
        };
        var index = fields.FindIndex(f => f.Item1 == field);
        if (index >= 0)
        {
            fields[index] = (field, json);
        }
        else
        {
            fields.Add((field, json));
        }

        return JsonObject([.. fields]);
    }

    public static byte[] JsonObject(params (string Name, byte[] Json)[] fields)
    {
        var body = new List<byte> { (byte)'{' };
        foreach (var (name, json) in fields)
        {
            if (body.Count > 1)
            {
                body.Add((byte)',');
            }

            body.AddRange(Ascii($"\"{name}\":"));
            body.AddRange(json);
        }

        body.Add((byte)'}');
        return [.. body];
    }

    private static byte[] ValidValue(string field, Func<string> uniqueEmail) => field switch
    {
        "email" => Ascii($"\"{uniqueEmail()}\""),
        "timezone" => Ascii("\"Europe/Paris\""),
        "birthdayDate" => Ascii("\"1991-06-18\""),
        "anniversaryDate" => Ascii("\"2016-04-02\""),
        _ => Ascii("\"Grace\""),
    };

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

public enum Fault
{
    /// <summary>400 with <c>errors</c> naming the field.</summary>
    Field,

    /// <summary>400: the body is not UTF-8 (a fault of the whole body: no field can be read from it).</summary>
    InvalidUtf8,

    /// <summary>400: not JSON.</summary>
    MalformedJson,

    /// <summary>413: over the api's 16 KiB.</summary>
    TooLarge,
}

public sealed record BadValue(string Label, byte[] Json, Fault Fault, Func<string, bool>? Applies = null)
{
    public bool AppliesTo(string field) => Applies?.Invoke(field) ?? true;

    public (int Status, string? Field) Expected(string field) => Fault switch
    {
        Fault.Field => (400, field),
        Fault.TooLarge => (413, null),
        _ => (400, null),
    };
}

/// <summary>One malformed request and the answer it must get: the status, and the field <c>errors</c> must name (if any).</summary>
public sealed record BadRequestCase(string Name, HttpMethod Method, string Target, byte[]? Body, string? ContentType, int Status, string? Field)
{
    public HttpRequestMessage ToRequest(Uri baseAddress)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        // Concatenated, not resolved: a target must reach the server as written (percent-escapes included).
        var request = new HttpRequestMessage(Method, new Uri(baseAddress.GetLeftPart(UriPartial.Authority) + Target));
        if (Body is not null)
        {
            request.Content = new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }

        return request;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Method} {Name}");
}
