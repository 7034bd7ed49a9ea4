using System.Buffers;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using TaskOrchestrator.Hosting;

namespace TaskOrchestrator.Storage.Transactions;

/// <summary>
/// Sends entity-group transactions (<c>$batch</c>) to the Table service over one shared <see cref="HttpClient"/>,
/// signed with the account's shared key: the body is written and the answer read as bytes in pooled buffers, where the
/// Azure SDK builds and parses them a line and a string at a time (most of what a task allocated). Used by
/// <see cref="TableBatchWriter"/> when the connection string carries an account key; anything else goes through the SDK.
/// </summary>
internal sealed class TableTransactionSender
{
    /// <summary>The storage service version the requests are made in (the one the Azure SDK for tables uses).</summary>
    internal const string ServiceVersion = "2019-02-02";

    /// <summary>The most a transaction's answer may hold (its actions' headers and one error): far more than any real one.</summary>
    internal const int MaxResponseBytes = 4 * 1024 * 1024;

    private static readonly HttpClient Http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private readonly string _account;
    private readonly byte[] _key;
    private readonly Uri _batchUri;
    private readonly byte[] _canonicalizedResource;
    private readonly byte[] _serviceUrl;
    private readonly StorageOptions _options;

    /// <summary>A sender to the table service at <paramref name="serviceUri"/> of <paramref name="account"/>, signing with <paramref name="key"/>.</summary>
    public TableTransactionSender(Uri serviceUri, string account, byte[] key, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(serviceUri);
        _account = account;
        _key = key;
        _options = options;
        var service = serviceUri.AbsoluteUri.TrimEnd('/');
        _serviceUrl = Encoding.UTF8.GetBytes(service + "/");
        _batchUri = new Uri(service + "/$batch");

        // Shared Key for the Table service signs "/{account}{path}": on Azurite's path-style URLs the path starts with
        // the account again (/devstoreaccount1/devstoreaccount1/$batch).
        _canonicalizedResource = Encoding.UTF8.GetBytes("/" + account + _batchUri.AbsolutePath);
    }

    /// <summary>
    /// Sends <paramref name="actions"/> on <paramref name="table"/> as one transaction; null when an entity holds a value
    /// with no wire form here (the caller then uses the SDK). A failure of the transport, after the configured retries,
    /// is thrown; a refusal by the service is in the answer.
    /// </summary>
    public async Task<TransactionResponse?> SendAsync(TableClient table, IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellation = default)
    {
        using var body = new PooledBuffer(1024 * actions.Count);
        Span<byte> boundaries = stackalloc byte[2 * 46];
        var batchBoundary = Boundary(boundaries[..46], "batch_"u8);
        var changesetBoundary = Boundary(boundaries[46..], "changeset_"u8);
        var contentType = "multipart/mixed; boundary=" + Encoding.ASCII.GetString(batchBoundary);
        if (!WriteBody(body, batchBoundary, changesetBoundary, table.Name, actions))
        {
            return null;
        }

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await SendOnceAsync(body, contentType, actions.Count, cancellation);
            }
            catch (Exception e) when (attempt < _options.MaxRetries && IsTransient(e) && !cancellation.IsCancellationRequested)
            {
                await Task.Delay(Backoff(attempt), cancellation);
            }
        }
    }

    /// <summary>The part of the HMAC-SHA256 signature the Table service checks (Shared Key).</summary>
    internal static string Signature(byte[] key, string method, string contentType, string date, ReadOnlySpan<byte> canonicalizedResource)
    {
        // VERB \n Content-MD5 \n Content-Type \n Date \n CanonicalizedResource
        using var toSign = new PooledBuffer(256);
        toSign.WriteUtf8(method);
        toSign.Write("\n\n"u8);
        toSign.WriteUtf8(contentType);
        toSign.Write("\n"u8);
        toSign.WriteUtf8(date);
        toSign.Write("\n"u8);
        toSign.Write(canonicalizedResource);
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(key, toSign.Written, hash);
        return Convert.ToBase64String(hash);
    }

    private bool WriteBody(PooledBuffer body, ReadOnlySpan<byte> batchBoundary, ReadOnlySpan<byte> changesetBoundary, string tableName, IReadOnlyList<TableTransactionAction> actions)
    {
        var maxUrl = _serviceUrl.Length + Encoding.UTF8.GetMaxByteCount(tableName.Length);
        var rented = ArrayPool<byte>.Shared.Rent(maxUrl);
        try
        {
            _serviceUrl.CopyTo(rented, 0);
            var urlLength = _serviceUrl.Length + Encoding.UTF8.GetBytes(tableName, rented.AsSpan(_serviceUrl.Length));
            using var json = new Utf8JsonWriter(body, new JsonWriterOptions { SkipValidation = true });
            return TransactionRequest.TryWrite(body, batchBoundary, changesetBoundary, rented.AsSpan(0, urlLength), actions, json);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private async Task<TransactionResponse> SendOnceAsync(PooledBuffer body, string contentType, int actionCount, CancellationToken cancellation)
    {
        StorageCallCounter.Instance.Count("POST", "$batch");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(_options.RequestTimeout);
        var date = DateTime.UtcNow.ToString("R", CultureInfo.InvariantCulture);
        using var content = new ByteArrayContent(body.Array, 0, body.Length);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, _batchUri) { Content = content, Version = HttpVersion.Version11 };
        request.Headers.TryAddWithoutValidation("x-ms-version", ServiceVersion);
        request.Headers.TryAddWithoutValidation("x-ms-date", date);
        request.Headers.TryAddWithoutValidation("DataServiceVersion", "3.0");
        request.Headers.TryAddWithoutValidation("MaxDataServiceVersion", "3.0;NetFx");
        request.Headers.TryAddWithoutValidation("Accept", "application/json;odata=minimalmetadata");
        request.Headers.TryAddWithoutValidation("Authorization", $"SharedKey {_account}:{Signature(_key, "POST", contentType, date, _canonicalizedResource)}");
        try
        {
            using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            using var answer = new PooledBuffer(512 * actionCount);
            await using (var stream = await response.Content.ReadAsStreamAsync(timeout.Token))
            {
                while (true)
                {
                    if (answer.Length >= MaxResponseBytes)
                    {
                        throw new InvalidDataException($"The $batch answer is over {MaxResponseBytes} bytes.");
                    }

                    var read = await stream.ReadAsync(answer.GetMemory(16 * 1024), timeout.Token);
                    if (read == 0)
                    {
                        break;
                    }

                    answer.Advance(read);
                }
            }

            var status = (int)response.StatusCode;
            if (status != 202)
            {
                var code = response.Headers.TryGetValues("x-ms-error-code", out var codes) ? codes.FirstOrDefault() : null;
                throw TransactionResponse.RequestFailure(status, code, answer.Written);
            }

            return TransactionResponse.Parse(response.Content.Headers.ContentType?.ToString(), answer.Written, actionCount);
        }
        catch (OperationCanceledException e) when (!cancellation.IsCancellationRequested)
        {
            throw new TimeoutException($"The $batch request got no answer within {_options.RequestTimeout}.", e);
        }
    }

    // What the SDK retries too: no answer, or an answer saying to try again.
    private static bool IsTransient(Exception e) =>
        e is HttpRequestException or TimeoutException || e is Azure.RequestFailedException { Status: 408 or 429 or 500 or 502 or 503 or 504 };

    private static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(Math.Min(1000, 250 * (1 << Math.Min(attempt, 4))));

    private static ReadOnlySpan<byte> Boundary(Span<byte> destination, ReadOnlySpan<byte> prefix)
    {
        prefix.CopyTo(destination);
        Guid.NewGuid().TryFormat(destination[prefix.Length..], out var written, "D");
        return destination[..(prefix.Length + written)];
    }
}
