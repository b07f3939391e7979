"""Pre-scoring a call from its transcript: a dozen transcripts and what each rule should find."""

import pytest

from assessments.qa.transcripts import (
    Finding,
    RuleSpec,
    evaluate_rule,
    parse_transcript,
    phrase_in,
    suggested_level,
)

GREETING = RuleSpec("required", "您好，很高兴为您服务", "opening")
VERIFY = RuleSpec("required", "核对一下您的身份", "verification")
CLOSING = RuleSpec("required", "请问还有什么可以帮您", "closing")
NO_ABUSE = RuleSpec("forbidden", "你有病吧")
NO_BLAME = RuleSpec("forbidden", "这不是我们的问题")
SILENCE = RuleSpec("max_silence", max_silence_s=30)

GOOD = """[00:00] 坐席：您好，很高兴为您服务，请问有什么可以帮您？
[00:04] 客户：我的宽带断了。
[00:08] 坐席：好的，我先核对一下您的身份，请报一下身份证后四位。
[00:15] 客户：1234。
[00:20] 坐席：已为您重启端口，请稍等。
[00:45] 坐席：请问还有什么可以帮您？
[00:48] 客户：没有了。
[00:50] 坐席：感谢来电，再见。"""

TRANSCRIPTS = [
    # (name, transcript, rule, expected passed, expected lines)
    ("a model call greets", GOOD, GREETING, True, (1,)),
    ("a model call verifies", GOOD, VERIFY, True, (3,)),
    ("a model call closes", GOOD, CLOSING, True, (6,)),
    ("a model call has no silence over 30 s", GOOD, SILENCE, True, ()),
    (
        "a greeting with 你好 instead of 您好 still counts",
        "[00:00] 坐席: 你好，很高兴为你服务\n[00:03] 客户: 你好",
        GREETING,
        True,
        (1,),
    ),
    (
        "a greeting missing from the opening is not met",
        "坐席：喂？\n客户：我要投诉。\n坐席：说吧。\n坐席：嗯。\n坐席：您好，很高兴为您服务",
        GREETING,
        False,
        (),
    ),
    (
        "the closing phrase only in the customer's words is not met",
        "坐席：您好\n客户：请问还有什么可以帮您，这是你们该说的吧\n坐席：再见",
        CLOSING,
        False,
        (),
    ),
    (
        "a closing phrase with a one-character typo counts",
        "坐席：您好\n坐席：请问还有什么可以帮您把\n坐席：请问还有什么可以邦您？",
        CLOSING,
        True,
        (2, 3),
    ),
    (
        "a forbidden phrase with a typo is found",
        "[00:00] 坐席：您好\n[00:05] 客户：网又断了！\n[00:09] 坐席：你有并吧，天天打电话",
        NO_ABUSE,
        False,
        (3,),
    ),
    (
        "a forbidden phrase with punctuation and spaces inside is found",
        "坐席：这 不是，我们的问题！\n客户：那是谁的？",
        NO_BLAME,
        False,
        (1,),
    ),
    (
        "a forbidden phrase said by the customer is not the agent's fault",
        "坐席：您好\n客户：你有病吧！\n坐席：非常抱歉给您带来不便",
        NO_ABUSE,
        True,
        (),
    ),
    (
        "a silence over the limit is found between its two lines",
        "[00:00] 坐席：您好\n[00:05] 客户：查一下话费\n[00:10] 坐席：请稍等\n[01:02] 坐席：久等了",
        SILENCE,
        False,
        (3, 4),
    ),
    (
        "hour timestamps count too",
        "[0:59:50] 坐席：请稍等\n[1:00:30] 坐席：久等了",
        SILENCE,
        False,
        (1, 2),
    ),
    ("without timestamps the silence cannot be told", "坐席：您好\n客户：你好", SILENCE, None, ()),
]


@pytest.mark.parametrize(
    ("transcript", "rule", "passed", "lines"),
    [case[1:] for case in TRANSCRIPTS],
    ids=[case[0] for case in TRANSCRIPTS],
)
def test_each_rule_finds_what_an_evaluator_would(transcript, rule, passed, lines):
    finding = evaluate_rule(rule, parse_transcript(transcript))
    assert (finding.passed, finding.lines) == (passed, lines)


def test_lines_keep_their_speaker_timestamp_and_number_with_blank_lines_skipped():
    utterances = parse_transcript("[01:05] 坐席：您好\n\n客户: 你好\n系统提示：转接中")
    assert [(u.line, u.speaker, u.text, u.at_s) for u in utterances] == [
        (1, "agent", "您好", 65),
        (3, "customer", "你好", None),
        (4, None, "系统提示：转接中", None),
    ]


def test_the_longest_silence_is_reported_less_the_time_the_line_before_takes_to_say():
    finding = evaluate_rule(SILENCE, parse_transcript(GOOD))
    assert finding.longest_silence_s == 23  # 25 s after "已为您重启端口，请稍等" (10 characters, 2 s to say)


def test_a_long_explanation_is_speaking_not_silence():
    sentence = (
        "您的套餐含每月一百分钟通话和十个G流量，超出部分按标准资费计算。"  # 30 characters without punctuation
    )
    explained = "[00:00] 坐席：" + sentence * 4 + "\n[00:40] 客户：明白了"
    finding = evaluate_rule(SILENCE, parse_transcript(explained))
    assert finding.passed and finding.longest_silence_s == 40 - 120 // 4  # 120 characters take 30 s to say


def test_short_phrases_must_match_exactly_so_that_one_changed_character_is_another_word():
    assert phrase_in("滚出去", "滚出去！")
    assert not phrase_in("滚出去", "出去吧")
    assert not phrase_in("不知道", "不想知道")


def test_a_same_sound_typo_counts_in_a_phrase_of_four_characters_or_more():
    assert phrase_in("我不知道", "这个我不知到啊", forbidden=True)
    assert phrase_in("你有病吧", "你有并吧", forbidden=True)
    no_idea = RuleSpec("forbidden", "我不知道")
    finding = evaluate_rule(no_idea, parse_transcript("坐席：您好\n客户：怎么办\n坐席：我不知到"))
    assert finding == Finding(passed=False, lines=(3,))


@pytest.mark.parametrize(
    ("phrase", "said"),
    [
        ("白痴", "这顿饭不能白吃"),
        ("骗子", "请把片子拍清楚"),
        ("笨蛋", "您的本单已经处理好了"),
        ("有病", "店里有饼"),
        ("去死", "请您去四楼办理"),
    ],
)
def test_a_short_forbidden_word_is_never_matched_by_sound(phrase, said):
    assert not phrase_in(phrase, said, forbidden=True)
    assert phrase_in(phrase, f"{said}，{phrase}", forbidden=True)


def test_a_forbidden_phrase_with_a_character_slipped_in_is_another_word():
    abuse = parse_transcript("坐席：你有病历吧？请拍照上传")
    assert evaluate_rule(NO_ABUSE, abuse) == Finding(passed=True, lines=())
    assert evaluate_rule(NO_ABUSE, parse_transcript("坐席：你有并吧")) == Finding(passed=False, lines=(1,))
    assert phrase_in(
        "请问还有什么可以帮您", "请问还有什么可以帮您吗"
    )  # required phrases still allow one more


def test_verification_must_come_before_the_closing_lines():
    late = (
        "坐席：您好，很高兴为您服务\n客户：宽带断了\n坐席：已为您重启端口\n坐席：好的\n"
        "坐席：请问还有什么可以帮您\n坐席：顺便核对一下您的身份\n坐席：再见"
    )
    assert evaluate_rule(VERIFY, parse_transcript(late)) == Finding(passed=False, lines=())
    short = "坐席：您好\n坐席：我先核对一下您的身份\n坐席：再见"
    assert evaluate_rule(VERIFY, parse_transcript(short)) == Finding(passed=True, lines=(2,))
    assert not phrase_in("您好很高兴为您服务", "您好")  # a short line inside the long phrase is no match


def test_a_criterion_suggests_its_best_level_when_every_rule_is_met_and_its_lowest_otherwise():
    levels = [{"percent": 0}, {"percent": 100}, {"percent": 60}]
    assert suggested_level(levels, [Finding(True), Finding(None)]) == 1
    assert suggested_level(levels, [Finding(True), Finding(False)]) == 0
    assert suggested_level(levels, [Finding(None)]) is None
