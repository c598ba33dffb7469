using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.Json;
using CdsService.Audit;
using CdsService.Determinations;
using CdsService.Feedback;

namespace CdsService.Storage;

/// <summary>
/// The state store in plain parameterised SQL that SQLite and PostgreSQL both speak (ON CONFLICT DO NOTHING,
/// DELETE … RETURNING, times as Unix milliseconds, lists as JSON text). The engines differ only in how a connection is
/// opened, the binary column type, and how a migration is serialised against other replicas.
/// </summary>
internal abstract class SqlStateStore : IStateStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The schema, one entry per version; an entry is never edited once released, only appended to.</summary>
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE hook_calls (
            id TEXT PRIMARY KEY,
            hook_instance TEXT NOT NULL,
            at_ms BIGINT NOT NULL,
            service_id TEXT NOT NULL,
            record TEXT NOT NULL);
        CREATE INDEX hook_calls_by_instance ON hook_calls (hook_instance);
        CREATE INDEX hook_calls_by_time ON hook_calls (at_ms);
        CREATE TABLE issued_cards (
            card_uuid TEXT PRIMARY KEY,
            call_id TEXT NOT NULL,
            service_id TEXT NOT NULL,
            at_ms BIGINT NOT NULL,
            suggestions TEXT NOT NULL,
            criteria TEXT NOT NULL);
        CREATE INDEX issued_cards_by_time ON issued_cards (at_ms);
        CREATE TABLE coverage_assertions (
            assertion_id TEXT PRIMARY KEY,
            call_id TEXT NOT NULL,
            at_ms BIGINT NOT NULL);
        CREATE INDEX coverage_assertions_by_time ON coverage_assertions (at_ms);
        CREATE TABLE feedback (
            card_uuid TEXT NOT NULL,
            outcome TEXT NOT NULL,
            outcome_at_ms BIGINT NOT NULL,
            received_at_ms BIGINT NOT NULL,
            service_id TEXT NOT NULL,
            client_issuer TEXT,
            accepted_suggestions TEXT NOT NULL,
            reason_system TEXT,
            reason_code TEXT,
            user_comment TEXT,
            PRIMARY KEY (card_uuid, outcome, outcome_at_ms));
        CREATE INDEX feedback_by_time ON feedback (outcome_at_ms);
        CREATE TABLE determinations (
            authorization_number TEXT PRIMARY KEY,
            coverage_assertion_id TEXT NOT NULL UNIQUE,
            order_reference TEXT NOT NULL,
            patient_key TEXT,
            kind TEXT NOT NULL,
            start_date TEXT NOT NULL,
            expiry_date TEXT NOT NULL,
            created_at_ms BIGINT NOT NULL);
        CREATE TABLE form_sessions (
            id TEXT PRIMARY KEY,
            payload {BLOB} NOT NULL,
            expires_at_ms BIGINT NOT NULL);
        """,
    ];

    /// <summary>The latest schema version this code knows.</summary>
    public static int SchemaVersion => Migrations.Length;

    protected abstract string BinaryType { get; }

    protected abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Serialises migrations against other replicas, inside <paramref name="transaction"/>; a no-op where one process owns the file.</summary>
    protected virtual Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task MigrateAsync(CancellationToken cancellationToken) => WriteAsync(async (connection, transaction) =>
    {
        await LockForMigrationAsync(connection, transaction, cancellationToken);
        await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", cancellationToken);
        var current = Convert.ToInt32(await ScalarAsync(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_version", cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        if (current > Migrations.Length)
        {
            throw new InvalidOperationException($"The store's schema is version {current}, newer than this service's {Migrations.Length}: run the newer service or restore a matching backup.");
        }

        for (var version = current + 1; version <= Migrations.Length; version++)
        {
            await ExecuteAsync(connection, transaction, Migrations[version - 1].Replace("{BLOB}", BinaryType, StringComparison.Ordinal), cancellationToken);
            await ExecuteAsync(connection, transaction, "INSERT INTO schema_version (version) VALUES (@v)", cancellationToken, ("v", version));
        }

        return 0;
    }, cancellationToken);

    public Task SaveHookCallsAsync(IReadOnlyList<HookCallRecord> calls, CancellationToken cancellationToken)
    {
        // Serialised before the write is queued: the writer is shared, and JSON is work nobody needs to do while holding it.
        var rows = calls.Select(c => new HookCallRow(
            c,
            c.Time.ToUnixTimeMilliseconds(),
            JsonSerializer.Serialize(c, Json),
            [.. c.Cards.Select(card => (card.Uuid, JsonSerializer.Serialize(card.SuggestionUuids, Json), JsonSerializer.Serialize(card.CriterionIds, Json)))])).ToList();
        return WriteAsync(
            async (connection, transaction) =>
            {
                // One command per statement, its parameters rebound per row, so each statement is prepared once per batch.
                await using var insertCall = Command(
                    connection,
                    transaction,
                    "INSERT INTO hook_calls (id, hook_instance, at_ms, service_id, record) VALUES (@id, @hi, @at, @svc, @rec) ON CONFLICT DO NOTHING",
                    [("id", null), ("hi", null), ("at", null), ("svc", null), ("rec", null)]);
                await using var insertCard = Command(
                    connection,
                    transaction,
                    "INSERT INTO issued_cards (card_uuid, call_id, service_id, at_ms, suggestions, criteria) VALUES (@uuid, @id, @svc, @at, @sug, @crit) ON CONFLICT DO NOTHING",
                    [("uuid", null), ("id", null), ("svc", null), ("at", null), ("sug", null), ("crit", null)]);
                await using var insertAssertion = Command(
                    connection,
                    transaction,
                    "INSERT INTO coverage_assertions (assertion_id, call_id, at_ms) VALUES (@aid, @id, @at) ON CONFLICT DO NOTHING",
                    [("aid", null), ("id", null), ("at", null)]);
                foreach (var row in rows)
                {
                    var call = row.Call;
                    if (await ExecuteAsync(insertCall, cancellationToken, call.Id, call.HookInstance, row.AtMs, call.ServiceId, row.Record) == 0)
                    {
                        continue;
                    }

                    foreach (var (uuid, suggestions, criteria) in row.Cards)
                    {
                        await ExecuteAsync(insertCard, cancellationToken, uuid, call.Id, call.ServiceId, row.AtMs, suggestions, criteria);
                    }

                    foreach (var assertion in call.CoverageAssertions)
                    {
                        await ExecuteAsync(insertAssertion, cancellationToken, assertion.Id, call.Id, row.AtMs);
                    }
                }

                return 0;
            },
            cancellationToken,
            background: true);
    }

    private sealed record HookCallRow(HookCallRecord Call, long AtMs, string Record, (string Uuid, string Suggestions, string Criteria)[] Cards);

    public Task<IReadOnlyList<HookCallRecord>> FindHookCallsAsync(string hookInstance, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<HookCallRecord>>(async connection =>
        {
            var calls = new List<HookCallRecord>();
            await foreach (var call in QueryCallsAsync(connection, "SELECT record FROM hook_calls WHERE hook_instance = @hi ORDER BY at_ms", cancellationToken, ("hi", hookInstance)))
            {
                calls.Add(call);
            }

            return calls;
        }, cancellationToken);

    public Task<HookCallRecord?> FindByCoverageAssertionAsync(string coverageAssertionId, CancellationToken cancellationToken) =>
        ReadAsync(async connection =>
        {
            await foreach (var call in QueryCallsAsync(
                connection,
                "SELECT c.record FROM coverage_assertions a JOIN hook_calls c ON c.id = a.call_id WHERE a.assertion_id = @aid",
                cancellationToken,
                ("aid", coverageAssertionId)))
            {
                return call;
            }

            return (HookCallRecord?)null;
        }, cancellationToken);

    public async IAsyncEnumerable<HookCallRecord> ListHookCallsAsync(DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await foreach (var call in QueryCallsAsync(
            connection,
            "SELECT record FROM hook_calls WHERE at_ms >= @from AND at_ms < @to ORDER BY at_ms, id",
            cancellationToken,
            ("from", from.ToUnixTimeMilliseconds()),
            ("to", to.ToUnixTimeMilliseconds())))
        {
            yield return call;
        }
    }

    public Task<IReadOnlyDictionary<string, IssuedCardRef>> FindIssuedCardsAsync(IReadOnlyCollection<string> uuids, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyDictionary<string, IssuedCardRef>>(async connection =>
        {
            var found = new Dictionary<string, IssuedCardRef>(StringComparer.Ordinal);
            if (uuids.Count == 0)
            {
                return found;
            }

            var (list, parameters) = InList("u", uuids);
            await using var command = Command(connection, null, $"SELECT card_uuid, service_id, suggestions, criteria FROM issued_cards WHERE card_uuid IN ({list})", parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                found[reader.GetString(0)] = new IssuedCardRef(reader.GetString(1), ReadList(reader.GetString(2)), ReadList(reader.GetString(3)));
            }

            return found;
        }, cancellationToken);

    public Task<int> SaveFeedbackAsync(IReadOnlyList<FeedbackRecord> items, CancellationToken cancellationToken) => WriteAsync(async (connection, transaction) =>
    {
        var stored = 0;
        foreach (var item in items)
        {
            stored += await ExecuteAsync(
                connection,
                transaction,
                """
                INSERT INTO feedback (card_uuid, outcome, outcome_at_ms, received_at_ms, service_id, client_issuer, accepted_suggestions, reason_system, reason_code, user_comment)
                VALUES (@card, @outcome, @at, @received, @svc, @iss, @acc, @rsys, @rcode, @comment) ON CONFLICT DO NOTHING
                """,
                cancellationToken,
                ("card", item.CardUuid), ("outcome", item.Outcome), ("at", item.OutcomeTimestamp.ToUnixTimeMilliseconds()),
                ("received", item.ReceivedAt.ToUnixTimeMilliseconds()), ("svc", item.ServiceId), ("iss", item.ClientIssuer),
                ("acc", JsonSerializer.Serialize(item.AcceptedSuggestions, Json)), ("rsys", item.ReasonSystem), ("rcode", item.ReasonCode), ("comment", item.UserComment));
        }

        return stored;
    }, cancellationToken);

    public Task<IReadOnlyList<FeedbackRecord>> FindFeedbackAsync(IReadOnlyCollection<string> cardUuids, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<FeedbackRecord>>(async connection =>
        {
            var found = new List<FeedbackRecord>();
            if (cardUuids.Count == 0)
            {
                return found;
            }

            var (list, parameters) = InList("u", cardUuids);
            await using var command = Command(connection, null, $"SELECT {FeedbackColumns} FROM feedback f WHERE f.card_uuid IN ({list}) ORDER BY f.outcome_at_ms", parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                found.Add(ReadFeedback(reader));
            }

            return found;
        }, cancellationToken);

    public async IAsyncEnumerable<FeedbackWithCriteria> ListFeedbackAsync(DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(
            connection,
            null,
            $"SELECT {FeedbackColumns}, c.criteria FROM feedback f JOIN issued_cards c ON c.card_uuid = f.card_uuid WHERE f.outcome_at_ms >= @from AND f.outcome_at_ms < @to ORDER BY f.outcome_at_ms",
            [("from", from.ToUnixTimeMilliseconds()), ("to", to.ToUnixTimeMilliseconds())]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new FeedbackWithCriteria(ReadFeedback(reader), ReadList(reader.GetString(10)));
        }
    }

    public Task SaveDeterminationsAsync(IReadOnlyList<DeterminationRecord> determinations, CancellationToken cancellationToken) => WriteAsync(async (connection, transaction) =>
    {
        foreach (var d in determinations)
        {
            await ExecuteAsync(
                connection,
                transaction,
                """
                INSERT INTO determinations (authorization_number, coverage_assertion_id, order_reference, patient_key, kind, start_date, expiry_date, created_at_ms)
                VALUES (@num, @aid, @order, @patient, @kind, @start, @expiry, @created)
                """,
                cancellationToken,
                ("num", d.AuthorizationNumber), ("aid", d.CoverageAssertionId), ("order", d.OrderReference), ("patient", d.PatientKey), ("kind", d.Kind),
                ("start", IsoDate(d.Start)), ("expiry", IsoDate(d.Expiry)), ("created", d.CreatedAt.ToUnixTimeMilliseconds()));
        }

        return 0;
    }, cancellationToken);

    public Task<DeterminationRecord?> FindDeterminationAsync(string coverageAssertionId, CancellationToken cancellationToken) =>
        ReadAsync(async connection =>
        {
            await using var command = Command(
                connection,
                null,
                "SELECT authorization_number, coverage_assertion_id, order_reference, patient_key, kind, start_date, expiry_date, created_at_ms FROM determinations WHERE coverage_assertion_id = @aid",
                [("aid", coverageAssertionId)]);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken)
                ? new DeterminationRecord(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.GetString(4),
                    DateOnly.ParseExact(reader.GetString(5), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    DateOnly.ParseExact(reader.GetString(6), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)))
                : null;
        }, cancellationToken);

    public Task SaveAsync(string id, ReadOnlyMemory<byte> payload, DateTimeOffset expiresAt, CancellationToken cancellationToken) => WriteAsync(
        (connection, transaction) => ExecuteAsync(
            connection,
            transaction,
            "INSERT INTO form_sessions (id, payload, expires_at_ms) VALUES (@id, @payload, @exp) ON CONFLICT (id) DO UPDATE SET payload = excluded.payload, expires_at_ms = excluded.expires_at_ms",
            cancellationToken,
            ("id", id), ("payload", payload.ToArray()), ("exp", expiresAt.ToUnixTimeMilliseconds())),
        cancellationToken);

    public Task<byte[]?> GetAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        ReadAsync(connection => SessionAsync(connection, null, "SELECT payload FROM form_sessions WHERE id = @id AND expires_at_ms > @now", id, now, cancellationToken), cancellationToken);

    public Task<byte[]?> TakeAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) => WriteAsync(
        (connection, transaction) => SessionAsync(connection, transaction, "DELETE FROM form_sessions WHERE id = @id AND expires_at_ms > @now RETURNING payload", id, now, cancellationToken),
        cancellationToken);

    public Task<int> PurgeAsync(DateTimeOffset before, DateTimeOffset now, CancellationToken cancellationToken) => WriteAsync(async (connection, transaction) =>
    {
        var cutoff = ("cutoff", (object?)before.ToUnixTimeMilliseconds());
        var purged = 0;
        purged += await ExecuteAsync(connection, transaction, "DELETE FROM feedback WHERE received_at_ms < @cutoff", cancellationToken, cutoff);
        purged += await ExecuteAsync(connection, transaction, "DELETE FROM issued_cards WHERE at_ms < @cutoff", cancellationToken, cutoff);
        purged += await ExecuteAsync(connection, transaction, "DELETE FROM coverage_assertions WHERE at_ms < @cutoff", cancellationToken, cutoff);
        purged += await ExecuteAsync(connection, transaction, "DELETE FROM hook_calls WHERE at_ms < @cutoff", cancellationToken, cutoff);
        purged += await ExecuteAsync(connection, transaction, "DELETE FROM determinations WHERE created_at_ms < @cutoff", cancellationToken, cutoff);
        purged += await ExecuteAsync(connection, transaction, "DELETE FROM form_sessions WHERE expires_at_ms <= @now", cancellationToken, ("now", now.ToUnixTimeMilliseconds()));
        return purged;
    }, cancellationToken, background: true);

    private const string FeedbackColumns =
        "f.card_uuid, f.outcome, f.outcome_at_ms, f.received_at_ms, f.service_id, f.client_issuer, f.accepted_suggestions, f.reason_system, f.reason_code, f.user_comment";

    private static FeedbackRecord ReadFeedback(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
        reader.GetString(4),
        reader.IsDBNull(5) ? null : reader.GetString(5),
        ReadList(reader.GetString(6)),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.IsDBNull(8) ? null : reader.GetString(8),
        reader.IsDBNull(9) ? null : reader.GetString(9));

    private static async Task<byte[]?> SessionAsync(DbConnection connection, DbTransaction? transaction, string sql, string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql, [("id", id), ("now", now.ToUnixTimeMilliseconds())]);
        return await command.ExecuteScalarAsync(cancellationToken) as byte[];
    }

    private static async IAsyncEnumerable<HookCallRecord> QueryCallsAsync(
        DbConnection connection,
        string sql,
        [EnumeratorCancellation] CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, null, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return JsonSerializer.Deserialize<HookCallRecord>(reader.GetString(0), Json)!;
        }
    }

    private async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenConnectionAsync(cancellationToken);
            return await read(connection);
        }
        catch (Exception e) when (IsOutage(e))
        {
            throw new StoreUnavailableException("The state store could not be read.", e);
        }
    }

    /// <param name="background">True when no caller waits on the write (the audit trail, the purge); an engine may let other writes go first.</param>
    private async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, CancellationToken cancellationToken, bool background = false)
    {
        try
        {
            return await TransactAsync(write, background, cancellationToken);
        }
        catch (Exception e) when (IsOutage(e))
        {
            throw new StoreUnavailableException("The state store could not be written; nothing was committed.", e);
        }
    }

    /// <summary>Runs <paramref name="write"/> in one transaction on its own connection and commits it; an engine may serialise these.</summary>
    protected virtual async Task<T> TransactAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, bool background, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await write(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await OpenConnectionAsync(cancellationToken);
        }
        catch (Exception e) when (IsOutage(e))
        {
            throw new StoreUnavailableException("The state store could not be read.", e);
        }
    }

    private static bool IsOutage(Exception e) => e is DbException or TimeoutException or IOException or System.Net.Sockets.SocketException;

    private static Task<int> ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var command = Command(connection, transaction, sql, parameters);
        return ExecuteAndDisposeAsync(command, cancellationToken);
    }

    /// <summary>Runs a prepared <paramref name="command"/> again with new values, in the order of its parameters.</summary>
    private static Task<int> ExecuteAsync(DbCommand command, CancellationToken cancellationToken, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        return command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<int> ExecuteAndDisposeAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using (command)
        {
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql, []);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, IEnumerable<(string Name, object? Value)> parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // Every value is a parameter; the SQL text is built only from constants and parameter names.
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private static (string List, (string, object?)[] Parameters) InList(string prefix, IReadOnlyCollection<string> values)
    {
        var parameters = values.Select((v, i) => ($"{prefix}{i}", (object?)v)).ToArray();
        return (string.Join(", ", parameters.Select(p => "@" + p.Item1)), parameters);
    }

    private static string[] ReadList(string json) => JsonSerializer.Deserialize<string[]>(json, Json) ?? [];

    private static string IsoDate(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
