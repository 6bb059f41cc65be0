; Inno Setup script: wraps the PyInstaller folder dist\curate\ into a Windows installer with a
; Start-menu entry, an optional desktop icon and an entry in "Installed apps" to uninstall.
;
; Build on Windows, from the repository root, after building the bundle:
;   .venv\Scripts\pyinstaller --noconfirm build_installer.spec
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" installer\windows.iss
; Result: dist\curate-<version>-windows-x64-setup.exe
;
; The version is not typed here: it is read from the ProductVersion that build_installer.spec
; writes (from pyproject.toml) into dist\curate\curate.exe. `ISCC /DAppVersion=x.y.z` overrides it.
;
; The Start-menu shortcut runs curatew.exe (the windowed executable: no console window beside the
; app); curate.exe (console) is the command line: "%LOCALAPPDATA%\Programs\Curate\curate.exe selftest"
; for a per-user install.

#if Ver < EncodeVer(6, 3, 0)
  #error Inno Setup 6.3 or newer is needed (x64compatible)
#endif

#define AppName "Curate"
#define BundleExe AddBackslash(SourcePath) + "..\dist\curate\curate.exe"
#ifndef AppVersion
  #if !FileExists(BundleExe)
    #error dist\curate\curate.exe not found: build the bundle first (pyinstaller build_installer.spec)
  #endif
  #define AppVersion GetStringFileInfo(BundleExe, "ProductVersion")
#endif

[Setup]
; AppId identifies the installation for upgrades and uninstall: never change it.
AppId={{6F3C8E2A-9B41-4D7E-A5C2-3E8B7D1F40C9}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=The Curate authors
AppComments=Annotate and link named entities in Bengali, Hindi and English news articles, offline.
; Per-user install by default (no administrator rights needed); the first page offers all users.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
SourceDir=..
OutputDir=dist
OutputBaseFilename=curate-{#AppVersion}-windows-x64-setup
SetupIconFile=resources\icons\curate.ico
UninstallDisplayIcon={app}\curatew.exe
UninstallDisplayName={#AppName} {#AppVersion}
LicenseFile=resources\licenses\Curate-MIT.txt
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Closes a running Curate before files are replaced or removed.
CloseApplications=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole PyInstaller folder: curate.exe, curatew.exe and _internal\ (Python, Qt, resources,
; seeds, licences).
Source: "dist\curate\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the bundle's internals wholesale, so no file of an older version lingers.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\curatew.exe"; WorkingDir: "{app}"; Comment: "Annotate and link named entities in news articles"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\curatew.exe"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\curatew.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; The curator's database and settings (%LOCALAPPDATA%\Curate, the registry's Curate key) are
; data, not program files: uninstalling leaves them.
