"""Names, lists, qualifications and the small closed vocabularies (gender, ethnicity, 险种).

Canonical forms chosen here (the contract for every consumer):

* person names: no whitespace, middle dot ``·`` (U+00B7) between parts of a minority name;
* qualifications: ``<类别><等级>`` with the grade in lower-case numerals, ``特级``/``一级``/
  ``二级``/``三级`` (建筑工程施工总承包贰级 -> 建筑工程施工总承包二级); 甲/乙/丙级 and 不分等级 as printed;
* gender: ``男`` / ``女``;
* ethnicity: the ID-card form, without 族 (汉族 -> 汉), one of the 56 recognised names;
* insurance types: ``养老``, ``医疗``, ``失业``, ``工伤``, ``生育`` (基本养老保险, 企业职工基本
  养老保险 and 养老保险 are all ``养老``; 职工医保 and 基本医疗保险 are ``医疗``);
* names, free text and list items: whitespace between Chinese characters removed, round
  brackets full-width （…） as GB/T 15834 and the enterprise-name rules print them, whichever width
  the document or the OCR used (有限责任公司(自然人投资或控股) -> 有限责任公司（自然人投资或控股）);
  anything compared with an extracted value must be put in the same form (``canonical_brackets``);
* codes (certificate and licence numbers): no whitespace, upper-case, （…） and 〔…〕 brackets;
* issuing authorities: free text without a seal's own words run into it (…协会章 -> …协会).
"""

from __future__ import annotations

import re
import unicodedata

from .result import CERTAIN, GUESSED, REPAIR_PROPOSED, TOLERATED, Normalised, nfkc

MIDDLE_DOT = "·"
_DOT_VARIANTS = re.compile(r"[·・•‧∙⋅.]+")  # after NFKC, so ．is already .
_NAME_LABEL = re.compile(
    r"^(?:姓名|名字|持证人|乙方|甲方|法定代表人|主要负责人|负责人|项目经理|技术负责人)[:：]?"
)
# Brackets are not edge punctuation: 某某有限公司（北京分公司） and 二级(暂定) end in one.
_EDGE_PUNCTUATION = "·:：,，;；、.。\"'“”‘’-_|"
_LIST_SEPARATORS = re.compile(r"[、,;/\s]+")
_SENTENCE_END = "。.;；,，、 "  # after NFKC: ；，are ASCII already
# a middle dot joins the parts of a name (阿依古丽·买买提) and never ends one: a speck read at the end
_TRAILING = _SENTENCE_END + "·"

_YEAR_BRACKETS = str.maketrans("【[〔】]〕", "〔〔〔〕〕〕")  # after NFKC: ［］ are already [ ]
_HALF_YEAR = re.compile(r"(?<=[\u4e00-\u9fff])((?:19|20)\d{2})〕|〔((?:19|20)\d{2})(?=[\d号])")
_DOUBLED_CLOSE = re.compile(r"〕〕+")
_BRACES = str.maketrans("{}", "〔〕")
# a Latin letter shaped like a digit, alone inside a run of digits (豫建岗2Q21888243): codes
# print letters as a prefix or a series mark, not one among figures
_DIGIT_SHAPED = {"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "B": "8", "G": "6"}
_LETTER_IN_FIGURES = re.compile(rf"(?<=\d)[{''.join(_DIGIT_SHAPED)}](?=\d)")
_ROUND_YEAR = re.compile(r"[（〔]((?:19|20)\d{2})[）〕]")  # 〔2014）, （2014〕: one bracket misread
# a document number prints its issuer's short name, the year's bracket and its serial with nothing
# between them (浙职改〔2021〕5号): a stop on either side of the year is a speck OCR read as one
_SPECK_BY_YEAR = re.compile(r"(?<=(?:19|20)\d{2}〕)[.·,、](?=\d)|(?<=[\u4e00-\u9fff])[.·,、](?=〔(?:19|20)\d{2}〕)")

_CJK = r"[\u3400-\u9fff]"
_SPACE_NEAR_CJK = re.compile(rf"(?<={_CJK}) | (?={_CJK})")

_GRADE = re.compile(r"([壹贰叁一二三123特])级(?=$|[(（])")  # 叁级(暂定) too
_GRADE_CANONICAL = {**dict.fromkeys("壹一1", "一"), **dict.fromkeys("贰二2", "二"),
                    **dict.fromkeys("叁三3", "三"), "特": "特"}
# a qualification ends in its grade (and a bracketed remark: 二级（暂定）); 施工劳务 has none
_WHOLE_QUALIFICATION = re.compile(r"(?:(?:[壹贰叁一二三123特甲乙丙]级|不分等级)(?:[(（][^()（）]*[)）])?|劳务|资质)$")
# an item that names a category before its kind (地基基础工程…, 施工劳务…) starts a qualification;
# 总承包三级, 承包三级, 工程专业承包二级 are the rest of one a line wrap cut
_OPENS_QUALIFICATION = re.compile(r"^[\u4e00-\u9fff]{2,}(?:工程|行业|劳务|作业)")

ETHNICITIES = (
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 "
    "东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 "
    "俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
# Longest first, so 土家 is not read as 土 and 蒙古 wins over nothing shorter.
_ETHNICITY_SEARCH = sorted(ETHNICITIES, key=len, reverse=True)

INSURANCE_TYPES = ("养老", "医疗", "失业", "工伤", "生育")
_INSURANCE_WORDS = re.compile("|".join((*INSURANCE_TYPES, "医保")))  # 医保 is 医疗


def _full_width_brackets(text: str) -> str:
    return text.replace("(", "（").replace(")", "）")


def canonical_brackets(text: str) -> str:
    """Round brackets in the canonical (full-width) form of names, text and list items."""
    return _full_width_brackets(nfkc(text))


def _strip_marks(text: str) -> str:
    """``text`` without the symbols OCR reads into a value's ends from the page around it: a
    check box (☑), a bullet, a dot of a seal's border (·临沂市…)."""
    start, end = 0, len(text)
    while start < end and (unicodedata.category(text[start]).startswith(("S", "P")) and text[start] not in "（("):
        start += 1
    while end > start and (unicodedata.category(text[end - 1]).startswith(("S", "P")) and text[end - 1] not in "）)"):
        end -= 1
    return text[start:end]


# Words stamped or printed on a document about the document itself (a specimen card's 样本, a
# copy's 复印件): standing alone where a name is looked for, they are never anyone's name.
DOCUMENT_MARKS = frozenset({"样本", "样张", "样证", "复印件", "副本", "正本", "原件", "作废", "无效",
                            "照片", "相片", "签名", "签字", "盖章", "印章", "公章"})


def normalise_name(raw: str) -> Normalised | None:
    """A person's or company's name without whitespace or label residue ("姓 名：张 三" -> "张三");
    the middle-dot variants of minority names (・ • . ．) become ``·``, brackets full-width.
    None when nothing is left."""
    text = _full_width_brackets(re.sub(r"\s+", "", nfkc(raw)))
    text = _NAME_LABEL.sub("", text)
    text = _strip_marks(_DOT_VARIANTS.sub(MIDDLE_DOT, text)).strip(_EDGE_PUNCTUATION)
    if not any(ch.isalpha() for ch in text) or text in DOCUMENT_MARKS:
        return None
    if any(ch.isdigit() for ch in text):
        return Normalised(text, GUESSED, notes=("姓名中含有数字",))
    return Normalised(text)


def _split(raw: str) -> list[str]:
    """Items separated by 、，,；; / whitespace, stripped, de-duplicated in order, brackets
    full-width."""
    items = (item.strip(_EDGE_PUNCTUATION) for item in _LIST_SEPARATORS.split(_full_width_brackets(nfkc(raw))))
    return list(dict.fromkeys(item for item in items if item))


def normalise_list(raw: str) -> Normalised | None:
    """A list (specialties, participants): split on 、，,；; / spaces and newlines, stripped,
    duplicates dropped in order. None when empty."""
    items = _split(raw)
    return Normalised(items) if items else None


# The specialties a constructor may be registered in (注册建造师管理规定; 一级 all ten, 二级 the
# six of 建筑, 公路, 水利水电, 市政公用, 矿业, 机电): a closed list, so a reading off it is a slip.
CONSTRUCTOR_SPECIALTIES = ("建筑工程", "公路工程", "铁路工程", "民航机场工程", "港口与航道工程", "水利水电工程",
                           "矿业工程", "市政公用工程", "通信与广电工程", "机电工程")


def one_off(read: str, word: str) -> bool:
    """Whether ``read`` is ``word`` with one character replaced."""
    return len(read) == len(word) and sum(a != b for a, b in zip(read, word)) == 1


def normalise_specialty_list(raw: str) -> Normalised | None:
    """A constructor's registered specialties: a list (see ``normalise_list``) whose items must
    be specialties of the register. One read a character off a single specialty (建筑上程) is
    doubted with that specialty proposed; one matching none (a seal's 付用) is doubted."""
    items = _split(raw)
    if not items:
        return None
    confidence, notes, repaired = CERTAIN, [], []
    for item in items:
        near = [word for word in CONSTRUCTOR_SPECIALTIES if one_off(item, word)]
        if item in CONSTRUCTOR_SPECIALTIES:
            repaired.append(item)
        elif len(near) == 1:
            confidence = min(confidence, REPAIR_PROPOSED)
            notes.append(f"“{item}”疑为“{near[0]}”的误识")
            repaired.append(near[0])
        else:
            confidence = min(confidence, GUESSED)
            notes.append(f"“{item}”不是注册建造师的注册专业")
    suggestion = "、".join(repaired) if repaired != items and confidence == REPAIR_PROPOSED else None
    return Normalised(items, confidence, suggestion, tuple(notes))


def canonical_qualification(text: str) -> str:
    """One qualification in canonical form: 建筑工程施工总承包贰级 -> 建筑工程施工总承包二级."""
    return _GRADE.sub(lambda m: _GRADE_CANONICAL[m.group(1)] + "级", text)


def normalise_qualification_list(raw: str) -> Normalised | None:
    """Qualifications (资质类别及等级) as a list in canonical form (see ``canonical_qualification``).

    The rest of a qualification a space or line wrap cut off (建筑工程施工总承包 贰级, 钢结构工程专业承包三 /
    级, 地基基础工程专业 / 承包三级) is joined back to it; one still without its grade is doubted.
    """
    items: list[str] = []
    for item in _split(raw):
        if items and not _WHOLE_QUALIFICATION.search(items[-1]) and not _OPENS_QUALIFICATION.match(item):
            items[-1] += item  # 建筑工程施工总承包 贰级, or …专业承 / 包二级 wrapped in a cell
        else:
            items.append(item)
    canonical = list(dict.fromkeys(canonical_qualification(item) for item in items))
    if not canonical:
        return None
    cut = [item for item in canonical if not _WHOLE_QUALIFICATION.search(item)]
    if cut:
        return Normalised(canonical, GUESSED, notes=tuple(f"资质“{item}”没有等级，疑被截断" for item in cut))
    return Normalised(canonical)


def normalise_gender(raw: str) -> Normalised | None:
    """``男`` or ``女``; None when neither or both appear."""
    found = set(re.findall(r"[男女]", nfkc(raw)))
    return Normalised(found.pop()) if len(found) == 1 else None


def normalise_ethnicity(raw: str) -> Normalised | None:
    """The ethnicity in ID-card form (汉族 -> 汉). A name outside the 56 is kept as read, without
    民族 label or 族, at reduced confidence. None when nothing is left."""
    text = re.sub(r"\s+", "", nfkc(raw))
    text = re.sub(r"^民族[:：]?", "", text).strip(_EDGE_PUNCTUATION)
    name = text.removesuffix("族")
    if name in ETHNICITIES:
        return Normalised(name)
    for known in _ETHNICITY_SEARCH:
        if known in name:
            return Normalised(known, GUESSED, notes=(f"由“{text}”识别为{known}",))
    return Normalised(name, GUESSED, notes=("不在56个民族名称中",)) if name else None


def normalise_insurance_types(raw: str) -> Normalised | None:
    """The insurance types named in ``raw`` as canonical names, in order of appearance
    ("基本养老保险、失业保险" -> ["养老", "失业"]). None when none is named."""
    found = ("医疗" if word == "医保" else word for word in _INSURANCE_WORDS.findall(nfkc(raw)))
    types = list(dict.fromkeys(found))
    return Normalised(types) if types else None


def normalise_text(raw: str) -> Normalised | None:
    """Free text (company names, addresses, authorities): NFKC, whitespace next to Chinese
    characters removed, other runs of whitespace made one space, ASCII brackets full-width, a
    sentence's closing stop, a trailing middle dot and marks before the text dropped. None when empty."""
    text = re.sub(r"\s+", " ", nfkc(raw))  # one space first: keeps the next step linear
    # a value taken from a sentence (工程名称为…工程。) ends before the sentence's stop
    text = _full_width_brackets(_SPACE_NEAR_CJK.sub("", text).strip().rstrip(_TRAILING))
    # no such value opens with a stop, a dot or a symbol: OCR read one in from the page around
    # (·山东省… after a seal's border); an opening bracket or quote belongs to the value
    while text and unicodedata.category(text[0]) in ("Po", "Pd", "Sm", "Sc", "Sk", "So"):
        text = text[1:].lstrip()
    return Normalised(text) if text else None


# an authority opening with a place of one character (京市…), or with no place before its level
# (省住房和城乡建设厅; 市场 is a word, not a level)
_CLIPPED_PLACE = re.compile(r"^(?:[\u4e00-\u9fff][省市区县](?![委政])|[省区县]|市(?!场))")
_SEAL_WORDS = re.compile(r"(?:[（(]?盖章[)）]?|(?:行政审批|证书|注册|业务)?专用章|公章|印章|章)$")
# where the form asks for the seal, printed before the name: （盖章）四川省…, 盖章：四川省…, and
# （章：西安市… with its bracket lost under the seal (not 章丘市…: a prompt ends in a colon or bracket)
_SEAL_PROMPT = re.compile(r"^(?:[（(]?(?:盖章|签章|公章|印章|章)(?:[)）][:：]?|[:：]))")


def normalise_authority(raw: str) -> Normalised | None:
    """An issuing authority as free text (see ``normalise_text``). An authority's name never ends
    in 章: a trailing seal word is the stamp's own text read into the line (湖北省建设教育协会章),
    dropped with a note and some doubt. A name opening with a one-character place (京市海淀区…)
    lost characters under a seal: kept, with more doubt. None when empty."""
    text = normalise_text(raw)
    if text is None or not (stripped := _strip_marks(text.value)):
        return None
    value, confidence, notes = stripped, text.confidence, []
    value = _SEAL_PROMPT.sub("", value) or value
    stripped = _SEAL_WORDS.sub("", value).rstrip()
    if stripped != value:
        if len(stripped) < 2:
            return None
        notes.append(f"末尾“{value[len(stripped):]}”疑为印章文字，已去除")
        value, confidence = stripped, min(confidence, TOLERATED)
    if _CLIPPED_PLACE.match(value):
        # place names are two characters or more before 省/市/区/县: 京市海淀区… lost its 北
        notes.append("机关名称开头的地名不完整，疑有字被遮挡")
        confidence = min(confidence, GUESSED)
    return Normalised(value, confidence, notes=tuple(notes))


def normalise_code(raw: str) -> Normalised | None:
    """A certificate, licence or registration number: no whitespace, Latin letters upper-case,
    brackets in one style — （鄂）JZ安许证字〔2005〕000115 whether printed with 【】, [], ［］ or
    half-width parentheses. No OCR repair: these codes carry no checksum to confirm one."""
    text = re.sub(r"\s+", "", nfkc(raw)).upper().strip(_EDGE_PUNCTUATION)
    text = _full_width_brackets(text.translate(_YEAR_BRACKETS))
    # a year in round brackets is the year of a document number, 〔2005〕 in any print: OCR reads
    # 〔〕 as （）; a province in round brackets (（鄂）) stays as printed
    text = _ROUND_YEAR.sub(r"〔\1〕", text)
    # a year with one of its brackets lost, doubled or read as a brace no code prints (川人社职2022〕40号,
    # 〔2016〕〕079222, {2015〕): the pair put right, with doubt
    braced = text.translate(_BRACES)
    repaired = _DOUBLED_CLOSE.sub("〕", _HALF_YEAR.sub(lambda m: f"〔{m.group(1) or m.group(2)}〕", braced))
    notes = (f"括号疑有误识：{text}",) if repaired != text else ()
    speck = _SPECK_BY_YEAR.search(repaired)
    cleaned = _SPECK_BY_YEAR.sub("", repaired)
    if speck:
        notes += (f"年份括号旁的“{speck.group()}”疑为污点，已去除",)
    if notes:
        return Normalised(cleaned, GUESSED if repaired != text else TOLERATED, notes=notes)
    if _LETTER_IN_FIGURES.search(text):
        figures = _LETTER_IN_FIGURES.sub(lambda m: _DIGIT_SHAPED[m.group()], text)
        return Normalised(text, REPAIR_PROPOSED, suggestion=figures, notes=(f"数字中夹有字母，疑为数字误识：{figures}",))
    return Normalised(text) if text else None
