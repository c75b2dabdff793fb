"""Full-text search latency over N synthetic text lines, on SQLite and (optionally) PostgreSQL.

    .venv/bin/python benchmarks/search_latency.py --lines 200000
    .venv/bin/python benchmarks/search_latency.py --lines 200000 --pg postgresql://postgres@127.0.0.1:5432/test

Lines go in through the ORM tables, so the index triggers (SQLite) and the expression index
(PostgreSQL) are part of the insert time. Each query is run 5 times; the median is printed.
PostgreSQL runs in a throw-away schema that is dropped afterwards.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from dossier.ledger.search import SearchQuery, search
from dossier.store import schema
from dossier.store.db import Database, normalise_url

SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰涛明超霞平刚桂华建国志红文辉波宁鹏飞斌晨浩然"
WORDS = ["有效期至", "统一社会信用代码", "建筑工程施工总承包", "注册编号", "聘用企业", "养老保险", "缴费月份",
         "湖北省武汉市", "有限公司", "安全生产许可证", "发证机关", "住房和城乡建设厅", "职称", "高级工程师"]
LINES_PER_PAGE = 40


def _line(rng: random.Random) -> str:
    kind = rng.random()
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 1, 2))))
    if kind < 0.3:
        return f"{name} {rng.randint(110000, 659000)}{rng.randint(1960, 2004)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 9999):04d}"
    if kind < 0.6:
        return f"姓名 {name} " + rng.choice(WORDS)
    return "".join(rng.choice(WORDS) for _ in range(rng.randint(1, 3)))


def fill(db: Database, lines: int, seed: int = 7) -> float:
    rng = random.Random(seed)
    pages = lines // LINES_PER_PAGE
    start = time.perf_counter()
    with db.engine.begin() as conn:
        conn.execute(insert(schema.Document), [
            {"id": i + 1, "sha256": f"{i:064x}", "size": 1, "source_name": f"{i}.pdf", "status": "processed",
             "created_at": schema.utcnow(), "updated_at": schema.utcnow()} for i in range(pages)])
        conn.execute(insert(schema.Extraction), [
            {"id": i + 1, "document_id": i + 1, "first_page": 1, "page_count": 1, "doc_type": "title_certificate",
             "confidence": 0.9, "errors": [], "created_at": schema.utcnow()} for i in range(pages)])
        conn.execute(insert(schema.Page), [
            {"id": i + 1, "document_id": i + 1, "number": 1, "width": 595.0, "height": 842.0, "source": "ocr",
             "rotation": 0, "warnings": []} for i in range(pages)])
        batch = []
        for n in range(pages * LINES_PER_PAGE):
            batch.append({"page_id": n // LINES_PER_PAGE + 1, "ordinal": n % LINES_PER_PAGE, "text": _line(rng),
                          "confidence": 0.9, "x0": 0.0, "y0": 0.0, "x1": 1.0, "y1": 1.0})
            if len(batch) == 20000:
                conn.execute(insert(schema.TextLine), batch)
                batch = []
        if batch:
            conn.execute(insert(schema.TextLine), batch)
    return time.perf_counter() - start


def measure(db: Database, label: str) -> None:
    queries = {"two-character name (宋明)": SearchQuery(text="宋明"),
               "two characters, frequent (有限)": SearchQuery(text="有限"),
               "three-character name (张建国)": SearchQuery(text="张建国"),
               "phrase (建筑工程施工总承包)": SearchQuery(text="建筑工程施工总承包"),
               "ID-number digits (19800307)": SearchQuery(text="19800307"),
               "nowhere (没有这段文字)": SearchQuery(text="没有这段文字")}
    for name, query in queries.items():
        times = []
        for _ in range(5):
            with db.session() as s:
                start = time.perf_counter()
                result = search(s, query)
                times.append(time.perf_counter() - start)
        print(f"  {label:10s} {name:36s} {statistics.median(times) * 1000:8.1f} ms  "
              f"({len(result.hits)} hits{', truncated' if result.truncated else ''})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--pg", help="PostgreSQL URL (a throw-away schema is created in it)")
    args = parser.parse_args()
    print(f"{args.lines} lines, {args.lines // LINES_PER_PAGE} documents")
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.from_url(f"sqlite:///{Path(tmp) / 'bench.db'}")
        db.upgrade()
        print(f"  sqlite     insert (with index triggers)             {fill(db, args.lines):8.1f} s")
        measure(db, "sqlite")
        db.dispose()
    if args.pg:
        admin = create_engine(normalise_url(args.pg))
        name = f"bench_{uuid.uuid4().hex[:10]}"
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
        url = make_url(normalise_url(args.pg)).update_query_dict({"options": f"-csearch_path={name}"})
        try:
            db = Database.from_url(url.render_as_string(hide_password=False))
            db.upgrade()
            print(f"  postgresql insert (with bigram index)              {fill(db, args.lines):8.1f} s")
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE text_lines"))
            measure(db, "postgresql")
            db.dispose()
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
