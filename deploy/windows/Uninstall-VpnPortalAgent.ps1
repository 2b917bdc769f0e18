#Requires -Version 5.1
#Requires -RunAsAdministrator
<#
.SYNOPSIS
    Stops and removes the VpnPortal agent from this server.

.DESCRIPTION
    Stops and deletes the service VpnPortalAgent (and the scheduled task \VpnPortal\VpnPortal Agent of earlier versions,
    if it is still there), removes the Application event log source "VpnPortal Agent" and %ProgramFiles%\VpnPortal\Agent.
    The data folder (%ProgramData%\VpnPortal\Agent: the agent's credential, state and logs) is kept unless -RemoveData is
    given, so a reinstall can reuse the enrollment. Revoke the agent in the portal as well: deleting the files does not
    invalidate the credential there. Running it again is safe: what is already gone is skipped.

.PARAMETER RemoveData
    Also delete %ProgramData%\VpnPortal\Agent (credential, state and logs).
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [switch] $RemoveData
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$ServiceName = 'VpnPortalAgent'
$EventSource = 'VpnPortal Agent'
$OldTaskPath = '\VpnPortal\'
$OldTaskName = 'VpnPortal Agent'
$InstallDir = Join-Path $env:ProgramFiles 'VpnPortal\Agent'
$DataDir = Join-Path $env:ProgramData 'VpnPortal\Agent'
$Exe = Join-Path $InstallDir 'VpnPortal.Agent.exe'

$service = Get-Service -Name $ServiceName -ErrorAction SilentlyContinue
if ($service -and $PSCmdlet.ShouldProcess($ServiceName, 'Stop and delete the service')) {
    if ($service.Status -ne 'Stopped') {
        Stop-Service -Name $ServiceName -Force
        $service.WaitForStatus('Stopped', [TimeSpan]::FromSeconds(60))
    }

    # Remove-Service exists only in PowerShell 6 and later.
    & sc.exe delete $ServiceName | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "sc.exe delete $ServiceName failed (exit code $LASTEXITCODE)." }
}

$task = Get-ScheduledTask -TaskPath $OldTaskPath -TaskName $OldTaskName -ErrorAction SilentlyContinue
if ($task -and $PSCmdlet.ShouldProcess("$OldTaskPath$OldTaskName", 'Stop and unregister the scheduled task of an earlier version')) {
    Stop-ScheduledTask -TaskPath $OldTaskPath -TaskName $OldTaskName
    Unregister-ScheduledTask -TaskPath $OldTaskPath -TaskName $OldTaskName -Confirm:$false
}

# The process may take a moment to go after its service stopped; its files are deleted after that.
$deadline = (Get-Date).AddSeconds(30)
while ((Get-Process -Name 'VpnPortal.Agent' -ErrorAction SilentlyContinue | Where-Object { $_.Path -eq $Exe }) -and (Get-Date) -lt $deadline) {
    Start-Sleep -Milliseconds 500
}

if ([System.Diagnostics.EventLog]::SourceExists($EventSource) -and $PSCmdlet.ShouldProcess($EventSource, 'Remove the Application event log source')) {
    [System.Diagnostics.EventLog]::DeleteEventSource($EventSource)
}

if ((Test-Path -LiteralPath $InstallDir) -and $PSCmdlet.ShouldProcess($InstallDir, 'Remove the agent program files')) {
    Remove-Item -LiteralPath $InstallDir -Recurse -Force
}

if ($RemoveData -and (Test-Path -LiteralPath $DataDir) -and $PSCmdlet.ShouldProcess($DataDir, 'Remove the agent credential, state and logs')) {
    Remove-Item -LiteralPath $DataDir -Recurse -Force
}

Write-Host 'The VpnPortal agent is removed. Revoke it in the portal if the server leaves the fleet.'
