# Stand-ins for the Windows-only commands the agent's scripts call, defined before a script runs under pwsh. They answer
# from the recorded server in $env:VPNPORTAL_STANDIN_DIR/server.json and append every call they take, with its
# parameters as base64 of their UTF-8 bytes, to calls.jsonl beside it. Functions are found before cmdlets, so these
# also stand in for Import-Module and Get-Item where the scripts use them for Windows things. Each is an advanced
# function with the real command's parameters that the scripts use: a parameter the stand-in does not know fails the run.

$StandInDirectory = $env:VPNPORTAL_STANDIN_DIR
$StandInServer = Get-Content -Raw -LiteralPath (Join-Path $StandInDirectory 'server.json') | ConvertFrom-Json -DateKind String
$StandInServices = @{}
foreach ($entry in $StandInServer.Services.PSObject.Properties) {
    $StandInServices[$entry.Name] = [pscustomobject]@{ Status = $entry.Value.Status; StatusAfterStart = $entry.Value.StatusAfterStart }
}

function Write-StandInCall([string] $Command, [System.Collections.IDictionary] $Parameters) {
    $recorded = [ordered]@{}
    foreach ($name in $Parameters.Keys) {
        $recorded[$name] = @(foreach ($value in @($Parameters[$name])) {
                $text = if ($value -is [switch]) { [string]$value.IsPresent } elseif ($null -ne $value -and $value.PSObject.Properties['Thumbprint']) { $value.Thumbprint } else { [string]$value }
                [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($text))
            })
    }

    $line = [ordered]@{ Command = $Command; Parameters = $recorded } | ConvertTo-Json -Compress -Depth 4
    [IO.File]::AppendAllText((Join-Path $StandInDirectory 'calls.jsonl'), $line + "`n", [Text.UTF8Encoding]::new($false))
}

# A failure recorded for a command ("Failures": { "Set-RemoteAccess": "message" }) is thrown after the call is recorded.
function Assert-StandInSucceeds([string] $Command) {
    if ($StandInServer.PSObject.Properties['Failures'] -and $StandInServer.Failures.PSObject.Properties[$Command]) {
        throw $StandInServer.Failures.$Command
    }
}

function Import-Module {
    [CmdletBinding()]
    param([Parameter(Position = 0)] [string[]] $Name)
    Write-StandInCall 'Import-Module' $PSBoundParameters
    if (@($Name) -ne 'RemoteAccess') { throw "The stand-ins only load RemoteAccess, not $Name." }
}

# RemoteAccessMonitoringConnection (root\Microsoft\Windows\RemoteAccess): the CIM class behind the cmdlet, with its types.
function Get-RemoteAccessConnectionStatistics {
    [CmdletBinding()]
    param()
    Write-StandInCall 'Get-RemoteAccessConnectionStatistics' $PSBoundParameters
    foreach ($c in @($StandInServer.Connections)) {
        [pscustomobject]@{
            PSTypeName            = 'Microsoft.Management.Infrastructure.CimInstance#root/Microsoft/Windows/RemoteAccess/Server/RemoteAccessMonitoringConnection'
            UserName              = [string[]]@($c.UserName)
            HostName              = [string]$c.HostName
            ClientIPv4Address     = [string]$c.ClientIPv4Address
            ClientIPv6Address     = [string]$c.ClientIPv6Address
            ClientExternalAddress = [string]$c.ClientExternalAddress
            TunnelType            = [string]$c.TunnelType
            TransitionTechnology  = [string]$c.TransitionTechnology
            AuthMethod            = [string]$c.AuthMethod
            ConnectionType        = [string]$c.ConnectionType
            # CIM datetimes arrive in the server's local time.
            ConnectionStartTime   = [DateTimeOffset]::Parse($c.ConnectionStartTime, [Globalization.CultureInfo]::InvariantCulture).LocalDateTime
            ConnectionDuration    = [uint32]$c.ConnectionDuration
            TotalBytesIn          = [uint64]$c.TotalBytesIn
            TotalBytesOut         = [uint64]$c.TotalBytesOut
            UserActivityState     = [string]$c.UserActivityState
            Bandwidth             = [uint32]$c.Bandwidth
        }
    }
}

function Get-RemoteAccessConnectionStatisticsSummary {
    [CmdletBinding()]
    param()
    Write-StandInCall 'Get-RemoteAccessConnectionStatisticsSummary' $PSBoundParameters
    $s = $StandInServer.Summary
    [pscustomobject]@{
        TotalConnections           = [uint32]$s.TotalConnections
        TotalDAConnections         = [uint32]$s.TotalDAConnections
        TotalVpnConnections        = [uint32]$s.TotalVpnConnections
        TotalUniqueUsers           = [uint32]$s.TotalUniqueUsers
        MaxConcurrentConnections   = [uint32]$s.MaxConcurrentConnections
        TotalCumulativeConnections = [uint32]$s.TotalCumulativeConnections
        TotalBytesIn               = [uint64]$s.TotalBytesIn
        TotalBytesOut              = [uint64]$s.TotalBytesOut
        TotalBytesInOut            = [uint64]$s.TotalBytesInOut
    }
}

function Get-RemoteAccessRadius {
    [CmdletBinding()]
    param()
    Write-StandInCall 'Get-RemoteAccessRadius' $PSBoundParameters
    foreach ($r in @($StandInServer.Radius)) {
        [pscustomobject]@{
            ServerName = [string]$r.ServerName
            Purpose    = [string]$r.Purpose
            Score      = [uint32]$r.Score
            Timeout    = [uint32]$r.Timeout
            Port       = [uint16]$r.Port
        }
    }
}

# Get-RemoteAccess's SslCertificate is an X509Certificate2; the scripts read only its Thumbprint.
function Get-RemoteAccess {
    [CmdletBinding()]
    param()
    Write-StandInCall 'Get-RemoteAccess' $PSBoundParameters
    $thumbprint = $StandInServer.SslCertificateThumbprint
    [pscustomobject]@{
        VpnStatus      = 'Installed'
        SslCertificate = if ($thumbprint) { [pscustomobject]@{ Thumbprint = $thumbprint; Subject = 'CN=vpn.corp.example' } } else { $null }
    }
}

function Set-RemoteAccess {
    [CmdletBinding()]
    param($SslCertificate)
    Write-StandInCall 'Set-RemoteAccess' $PSBoundParameters
    Assert-StandInSucceeds 'Set-RemoteAccess'
}

function Disconnect-VpnUser {
    [CmdletBinding()]
    param([string[]] $UserName, [string[]] $HostIPAddress)
    Write-StandInCall 'Disconnect-VpnUser' $PSBoundParameters
    Assert-StandInSucceeds 'Disconnect-VpnUser'
}

# The certificate provider (Cert:\LocalMachine\My\<thumbprint>), from the thumbprints the server's Personal store holds.
function Get-Item {
    [CmdletBinding()]
    param([string] $LiteralPath)
    Write-StandInCall 'Get-Item' $PSBoundParameters
    if ($LiteralPath -notlike 'Cert:\LocalMachine\My\*') { throw "The stand-in Get-Item only reads Cert:\LocalMachine\My, not $LiteralPath." }
    $thumbprint = $LiteralPath.Substring('Cert:\LocalMachine\My\'.Length)
    if (@($StandInServer.PersonalThumbprints) -notcontains $thumbprint) {
        throw [System.Management.Automation.ItemNotFoundException]::new("Cannot find path '$LiteralPath' because it does not exist.")
    }

    [pscustomobject]@{ Thumbprint = $thumbprint; Subject = 'CN=vpn.corp.example'; HasPrivateKey = $true }
}

function Get-StandInService([string] $Name) {
    if (-not $StandInServices.ContainsKey($Name)) { throw "Cannot find any service with service name '$Name'." }
    $StandInServices[$Name]
}

function Stop-Service {
    [CmdletBinding()]
    param([string] $Name, [switch] $Force)
    Write-StandInCall 'Stop-Service' $PSBoundParameters
    (Get-StandInService $Name).Status = 'Stopped'
}

function Start-Service {
    [CmdletBinding()]
    param([string] $Name)
    Write-StandInCall 'Start-Service' $PSBoundParameters
    $service = Get-StandInService $Name
    $service.Status = if ($service.StatusAfterStart) { $service.StatusAfterStart } else { 'Running' }
}

function Restart-Service {
    [CmdletBinding()]
    param([string] $Name, [switch] $Force)
    Write-StandInCall 'Restart-Service' $PSBoundParameters
    $service = Get-StandInService $Name
    $service.Status = if ($service.StatusAfterStart) { $service.StatusAfterStart } else { 'Running' }
}

# A ServiceController: Status, Refresh() and WaitForStatus(), which throws as .NET's does when the wait runs out.
function Get-Service {
    [CmdletBinding()]
    param([string] $Name)
    Write-StandInCall 'Get-Service' $PSBoundParameters
    $state = Get-StandInService $Name
    $controller = [pscustomobject]@{ Name = $Name; Status = $state.Status; State = $state }
    $controller | Add-Member -MemberType ScriptMethod -Name Refresh -Value { $this.Status = $this.State.Status }
    $controller | Add-Member -MemberType ScriptMethod -Name WaitForStatus -Value {
        param($Desired, $Timeout)
        $this.Refresh()
        if ([string]$this.Status -ne [string]$Desired) { throw 'Time out has expired and the operation has not been completed.' }
    }
    $controller
}
