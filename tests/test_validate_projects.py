"""业绩: amounts in figures vs words, and one project told the same way by every document."""

from dossier.validate import params_for
from dossier.validate.project_groups import group_projects, project_key, same_project

from validate_builders import clean_application, project_documents, replace_field


def _with(app, doc_type, **changes):
    old = app.find(doc_type)
    return app.swap(old, replace_field(old, **changes))


def test_amount_words_must_equal_figures():
    app = _with(clean_application(), "project_contract", contract_amount_words="12345670.00")
    found = [d for d in app.run() if d.code == "AMOUNT_WORDS_MISMATCH"]
    assert len(found) == 1 and found[0].subject == app.find("project_contract").sha256
    assert "AMOUNT_WORDS_MISMATCH" not in _with(clean_application(), "project_contract",
                                                contract_amount_words="12345678").codes()


def test_project_manager_disagreement():
    app = _with(clean_application(), "completion_acceptance", project_manager="王强")
    found = [d for d in app.run() if d.code == "PROJECT_MISMATCH"]
    assert len(found) == 1 and "项目经理" in found[0].message
    assert len(found[0].evidence) == 3  # every side
    assert found[0].subject == app.find("completion_acceptance").sha256  # the one that disagrees


def test_project_name_disagreement_within_one_group():
    app = _with(clean_application(), "bid_award_notice", project_name="华府小区 1#楼 工程（施工）")
    found = [d for d in app.run() if d.code == "PROJECT_MISMATCH"]
    assert len(found) == 1 and "项目名称" in found[0].message


def test_contractor_not_the_applicant_is_employer_mismatch_but_disagreement_is_project_mismatch():
    app = _with(clean_application(), "completion_acceptance", contractor="另一家建设有限公司")
    assert sorted(app.codes()) == ["EMPLOYER_MISMATCH", "PROJECT_MISMATCH"]


def test_projects_group_by_fuzzy_name_but_numbers_must_agree():
    assert same_project(project_key("华府小区1#楼工程"), project_key("华府小区 1# 楼"), 0.85)
    assert same_project(project_key("武汉市江岸区幸福家园二期住宅工程"), project_key("武汉市江岸区幸福家园二期住宅工桯"), 0.85)
    assert not same_project(project_key("华府小区1#楼工程"), project_key("华府小区2#楼工程"), 0.85)
    # one name covers more buildings than the other: the same project, named inconsistently
    assert same_project(project_key("光谷科技产业园二期3#厂房工程"), project_key("光谷科技产业园二期3#、4#厂房工程"), 0.85)
    assert not same_project(project_key("光谷科技产业园二期3#厂房工程"), project_key("光谷科技产业园二期5#、6#厂房工程"), 0.85)
    app = clean_application().add(*project_documents("华府小区2#楼工程", manager="王强"))
    groups = group_projects(app.documents, params_for(app.spec))
    assert len(groups) == 2 and all(len(g.members) == 3 for g in groups)
    assert "PROJECT_MISMATCH" not in app.codes()


def test_a_doubtful_project_name_cut_short_is_low_confidence_not_a_mismatch():
    from validate_builders import fld

    app = clean_application()
    full = app.find("bid_award_notice").text("project_name")
    cut = _with(app, "completion_acceptance", project_name=fld(full[:-2], confidence=0.6))
    codes = cut.codes()
    assert "PROJECT_MISMATCH" not in codes and "LOW_CONFIDENCE" in codes
    sure = _with(app, "completion_acceptance", project_name=fld(full[:-2], confidence=0.97))
    assert "PROJECT_MISMATCH" in sure.codes()


def test_a_doubted_project_manager_that_is_no_persons_name_is_low_confidence_not_a_mismatch():
    from validate_builders import fld

    # a photographed acceptance table: the tenderee's name read where the manager stands (fresh seed 80)
    app = _with(clean_application(), "completion_acceptance", project_manager=fld("西安新城置业有限", confidence=0.62))
    codes = app.codes()
    assert "PROJECT_MISMATCH" not in codes and "LOW_CONFIDENCE" in codes
    # a doubted reading that is a person's name still disagrees
    other = _with(clean_application(), "completion_acceptance", project_manager=fld("王强", confidence=0.62))
    assert "PROJECT_MISMATCH" in other.codes()


def test_a_project_document_whose_name_was_not_read_joins_the_project_filed_in_its_folder():
    def filed(d, path):
        return d.model_copy(update={"document": d.document.model_copy(update={"file": path})})

    bid, contract, acceptance = project_documents()
    unnamed = replace_field(contract, project_name=None)
    docs = [filed(bid, "工程业绩/项目一/中标通知书.pdf"), filed(unnamed, "工程业绩/项目一/施工合同.pdf"),
            filed(acceptance, "工程业绩/项目一/竣工验收.pdf")]
    params = params_for(clean_application().spec)
    (group,) = group_projects(docs, params)
    assert len(group.members) == 3
    elsewhere = [docs[0], filed(unnamed, "工程业绩/项目二/施工合同.pdf"), docs[2]]
    (group,) = group_projects(elsewhere, params)
    assert len(group.members) == 2


def test_a_project_name_read_with_doubt_that_names_no_other_project_is_as_good_as_unread():
    # a photographed 中标通知书 gave the tenderee's name as the project's, at 0.8: it joins the
    # project filed in its folder, not a project of its own that lacks every other document
    from validate_builders import fld

    def filed(d, path):
        return d.model_copy(update={"document": d.document.model_copy(update={"file": path})})

    bid, contract, acceptance = project_documents()
    doubted = replace_field(bid, project_name=fld("杭州紫荆实验学校", confidence=0.8))
    docs = [filed(doubted, "业绩/项目2/微信图片.jpg"), filed(contract, "业绩/项目2/施工合同.pdf"),
            filed(acceptance, "业绩/项目2/竣工验收.pdf")]
    params = params_for(clean_application().spec)
    (group,) = group_projects(docs, params)
    assert len(group.members) == 3
    assert group.value(group.members[0], "name") is None  # a misreading to confirm, not a name to compare
    # read surely, it is another project's document
    sure = [filed(replace_field(bid, project_name=fld("杭州紫荆实验学校", confidence=0.97)), "业绩/项目2/a.jpg"), *docs[1:]]
    assert len(group_projects(sure, params)) == 2


def test_in_an_application_filed_flat_an_unnamed_document_joins_the_one_project_lacking_its_type():
    def filed(d, path):
        return d.model_copy(update={"document": d.document.model_copy(update={"file": path})})

    first = project_documents()
    second = project_documents("华府小区2#楼工程", manager="王强")
    unread = replace_field(second[2], project_name=None)  # a photo of the acceptance, name unread
    docs = [filed(d, f"{n:02d}.pdf") for n, d in enumerate([*first, second[0], second[1], unread])]
    groups = group_projects(docs, params_for(clean_application().spec))
    assert sorted(len(g.members) for g in groups) == [3, 3]
    # two unread acceptances: which is whose cannot be told, neither joins
    docs.append(filed(replace_field(first[2], project_name=None), "07.pdf"))
    docs = [d for d in docs if d is not docs[2]]
    assert sorted(len(g.members) for g in group_projects(docs, params_for(clean_application().spec))) == [2, 2]


def test_words_read_doubtfully_without_their_leading_figures_are_low_confidence_not_a_mismatch():
    # 陆仟伍佰捌拾捌万元整 read from 伍佰 on under a seal, at 0.53: the figures' tail, not another sum
    from validate_builders import fld

    app = clean_application()
    figures = app.find("project_contract").text("contract_amount")
    cut = figures[1:].lstrip("0") or "0"
    doubtful = _with(app, "project_contract", contract_amount_words=fld(cut, confidence=0.53))
    assert "AMOUNT_WORDS_MISMATCH" not in doubtful.codes() and "LOW_CONFIDENCE" in doubtful.codes()
    # read with confidence, the same words are a mismatch; so is a doubtful reading of another sum
    assert "AMOUNT_WORDS_MISMATCH" in _with(app, "project_contract", contract_amount_words=cut).codes()
    swapped = figures[1] + figures[0] + figures[2:]
    assert swapped != figures
    assert "AMOUNT_WORDS_MISMATCH" in _with(app, "project_contract",
                                            contract_amount_words=fld(swapped, confidence=0.53)).codes()
