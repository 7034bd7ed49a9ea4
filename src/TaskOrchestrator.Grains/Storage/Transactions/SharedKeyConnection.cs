namespace TaskOrchestrator.Storage.Transactions;

/// <summary>The account name and key of a storage connection string, when it has them (not a SAS or token connection).</summary>
internal static class SharedKeyConnection
{
    /// <summary>Azurite's and the storage emulator's well-known account.</summary>
    internal const string DevelopmentAccount = "devstoreaccount1";

    /// <summary>The published key of <see cref="DevelopmentAccount"/> (not a secret: every emulator has it).</summary>
    internal const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>The account and its key; false when the connection string signs otherwise (SAS) or carries no key.</summary>
    public static bool TryParse(string? connectionString, out string account, out byte[] key)
    {
        (account, key) = ("", []);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return false;
        }

        string? name = null, secret = null;
        var development = false;
        foreach (var pair in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var (setting, value) = (pair[..equals].Trim(), pair[(equals + 1)..].Trim());
            if (setting.Equals("SharedAccessSignature", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            if (setting.Equals("AccountName", StringComparison.OrdinalIgnoreCase))
            {
                name = value;
            }
            else if (setting.Equals("AccountKey", StringComparison.OrdinalIgnoreCase))
            {
                secret = value;
            }
            else if (setting.Equals("UseDevelopmentStorage", StringComparison.OrdinalIgnoreCase))
            {
                development = value.Equals("true", StringComparison.OrdinalIgnoreCase);
            }
        }

        if (development && name is null && secret is null)
        {
            (name, secret) = (DevelopmentAccount, DevelopmentKey);
        }

        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(secret))
        {
            return false;
        }

        var bytes = new byte[secret.Length];
        if (!Convert.TryFromBase64String(secret, bytes, out var length))
        {
            return false;
        }

        (account, key) = (name, bytes[..length]);
        return true;
    }
}
