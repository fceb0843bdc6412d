"""``gridwork residents …``: the register from the command line (the name is claimed in
manifest.json's ``cli_commands``). ``import`` runs in the foreground with a progress bar
and ends non-zero when the file was refused or failed."""

import getpass
from pathlib import Path

import click
from flask.cli import AppGroup

from core.public import ApiError, DataScope, csv_bytes, session_scope
from plugins.resident_info.importing import services as imports
from plugins.resident_info.importing.run import progress_of, run_job
from plugins.resident_info.register.access import Access

residents_cli = AppGroup("residents", help="居民信息（导入等）")
MODE_CHOICES = {"all": "all_or_nothing", "valid": "valid_rows"}


@residents_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", "org_path", required=True, help="导入到的组织路径，如 c01/s01/m01")
@click.option(
    "--mode",
    type=click.Choice(sorted(MODE_CHOICES)),
    default="all",
    show_default=True,
    help="all：全部正确才导入；valid：只导入正确的行",
)
@click.option(
    "--map", "maps", multiple=True, metavar="表头=字段", help="列对应，如 --map 手机=phone；可重复；字段见 --help 末尾"
)
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="把问题报告写入此 CSV 文件")
def import_command(file, org_path, mode, maps, report):
    """从 Excel（.xlsx）或 CSV 文件 FILE 导入居民到 --org 所指的组织。

    已登记的居民（同县同身份证号）自动跳过，同一文件重复导入不会重复登记。
    字段：name id_number gender birth_date phone grid building unit room registration status
    status_date tags notes extra.<附加字段>"""
    access, content = _operator(org_path), file.read_bytes()
    with session_scope() as db:
        try:
            job = imports.create_job(
                db,
                access,
                org_path=org_path,
                mode=MODE_CHOICES[mode],
                mapping=_mapping(maps),
                filename=file.name,
                content=content,
            )
        except ApiError as problem:
            raise click.ClickException(f"{problem.detail}（{problem.pointer or ''}）")
        db.commit()
        job_id = job.id
        _run_with_bar(db, access, job_id, content)
        job = imports.find_job(db, access.write, job_id)
        _summarise(db, job, report)


def _operator(org_path):
    """Whoever runs the command on the server acts with the whole subtree of --org."""
    scope = DataScope((org_path,))
    return Access(username=f"cli:{getpass.getuser()}", read=scope, write=scope, sensitive=scope, health=scope)


def _mapping(maps):
    mapping = {}
    for item in maps:
        header, separator, field = item.partition("=")
        if not separator:
            raise click.BadParameter(f"“{item}”应写成 表头=字段", param_hint="--map")
        mapping[header.strip()] = field.strip()
    return mapping


def _run_with_bar(db, access, job_id, content):
    with click.progressbar(length=1, label="导入", show_percent=True, show_eta=True) as bar:

        def advance(job):
            phase, processed = progress_of(job)
            bar.length = max(job.total_rows, 1)
            bar.label = imports.PHASE_TITLES.get(phase, "导入")
            bar.update(processed - bar.pos)

        run_job(db, access, job_id, content, on_progress=advance)


def _summarise(db, job, report):
    click.echo(f"{imports.STATUS_TITLES[job.status]}：{job.message}")
    problems = imports.report_rows(db, job)
    for line, name, column, reason, kind in problems[:20]:
        who = f" {name}" if name else ""
        click.echo(f"  第 {line} 行{who} [{column}] {reason}（{kind}）")
    if len(problems) > 20:
        click.echo(f"  …… 共 {len(problems)} 条，完整报告见 --report 或导入页面")
    if report:
        report.write_bytes(csv_bytes(imports.REPORT_HEADER, problems))
        click.echo(f"问题报告已写入 {report}")
    if job.status != "done":
        raise SystemExit(1)
