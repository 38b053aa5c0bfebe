"""The starter library: a first set of resources written for Kinship in our own words, loaded
by `python manage.py seed_resources` (and by the demo seed).

Everything here is general information for people in recovery from ketamine dependence, the
people who love them and the people who run groups: never medical advice, and every article
and worksheet says so at its end. Published straight away, with a review date a year on,
because health information goes stale.

Seeding is idempotent: categories, tags and resources are found again by slug and only
written when their text differs from what is here. A resource an admin has taken out of the
library (back to draft, in review, or archived) is left alone, and so are the curation
choices an admin makes afterwards (featured or not, and where).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from resources.models import REVIEW_AFTER, Category, Resource, StateChange, Tag
from resources.services.curation import resource_index, resource_save
from resources.starter_es import RESOURCES_ES
from resources.starter_specs import (
    LIFELINE_URL,
    SAMHSA_HELPLINE_URL,
    STARTER_NOTE,
    Kind,
    StarterCategory,
    StarterResource,
    State,
)

CATEGORIES: tuple[StarterCategory, ...] = (
    StarterCategory(
        "understanding-ketamine",
        "Understanding ketamine",
        "What ketamine is, how dependence builds up, who is more at risk and the signs to notice.",
        1,
    ),
    StarterCategory(
        "health-effects",
        "Health effects",
        "What regular use can do to the body and mind, and when to see a doctor.",
        2,
    ),
    StarterCategory(
        "treatment-and-therapy",
        "Treatment and therapy",
        "Talking therapies, rehab programs and support groups: what they offer and what to expect.",
        3,
    ),
    StarterCategory(
        "staying-well",
        "Staying well",
        "Triggers, cravings, slips and plans: the everyday work of staying in recovery.",
        4,
    ),
    StarterCategory(
        "family-and-friends",
        "For family and friends",
        "For parents, partners and friends: how to help someone, and how to look after yourself.",
        5,
    ),
    StarterCategory(
        "for-facilitators",
        "For facilitators",
        "Running groups that feel welcoming, safe and private.",
        6,
    ),
    StarterCategory(
        "crisis-and-helplines",
        "Crisis and helplines",
        "Who to call or text, day or night, and what to do in an emergency.",
        7,
    ),
)

TAGS: dict[str, str] = {
    "ketamine": "ketamine",
    "tolerance": "tolerance",
    "cravings": "cravings",
    "withdrawal": "withdrawal",
    "bladder": "bladder",
    "memory": "memory",
    "mental-health": "mental health",
    "cbt": "CBT",
    "therapy": "therapy",
    "rehab": "rehab",
    "peer-support": "peer support",
    "family": "family",
    "self-care": "self-care",
    "relapse": "relapse",
    "sleep": "sleep",
    "worksheet": "worksheet",
    "crisis": "crisis",
    "helpline": "helpline",
    "facilitation": "facilitation",
    "privacy": "privacy",
}

RESOURCES: tuple[StarterResource, ...] = (
    # --- Understanding ketamine -------------------------------------------------------------
    StarterResource(
        slug="ketamine-tolerance-and-dependence",
        title="What ketamine is, and how tolerance and dependence develop",
        kind=Kind.ARTICLE,
        summary=(
            "A plain introduction to ketamine: why people use it, how the body gets used to "
            "it, and how tolerance, cravings and dependence can build up over time."
        ),
        categories=("understanding-ketamine",),
        tags=("ketamine", "tolerance", "cravings"),
        for_loved_ones=True,
        featured_position=1,
        text="""
        ## What ketamine is

        Ketamine is a medicine. Hospitals, ambulance crews and vets use it to put people and
        animals under for operations and to control severe pain. Some clinics also give it,
        under close supervision, to people whose depression has not lifted with other
        treatment.

        Outside those settings it is usually sold as a powder and snorted, and sometimes
        swallowed or injected. People describe feeling floaty, numb, or far away from their
        body and their surroundings. Larger amounts can make moving, speaking or knowing
        where you are very hard.

        ## Why people start

        There is rarely one reason. Some people like how it feels on a night out. Some use
        it to switch off from stress, grief, pain or memories that are hard to carry. Some
        find, at first, that it helps them sleep. None of this makes anyone a bad person.
        These are human reasons.

        ## How tolerance builds

        The brain adjusts to anything it meets often. With regular use, the same amount of
        ketamine starts to do less. This is **tolerance**. Many people respond by taking more,
        or taking it more often, and with ketamine tolerance can climb fast.

        ## From tolerance to dependence

        Over weeks and months, using can shift from something you choose to something you
        feel you need. Signs of that shift include:

        - **cravings**: strong urges that return again and again, often at the same times
          or in the same places;
        - feeling low, anxious, restless or unable to sleep on days without it;
        - using more than you planned, or on days you meant to stay off it;
        - struggling to stop even when it is clearly causing harm.

        This is what we mean by **dependence**. It is not a lack of willpower. It is a
        pattern your brain and your daily life have learned together, and patterns can be
        unlearned with time and support.

        ## What helps

        Noticing the pattern is a real first step. Talking to someone you trust, a doctor,
        or a support group can make the next steps feel less lonely. Other articles here
        cover the signs to look for, the effects on health, and the kinds of help on offer.
        """,
    ),
    StarterResource(
        slug="who-is-more-at-risk",
        title="Who is more at risk of ketamine dependence, and why",
        kind=Kind.ARTICLE,
        summary=(
            "Dependence can happen to anyone. Some things raise the odds, though: family "
            "history, mental health, the world around you, and how and how often you use."
        ),
        categories=("understanding-ketamine",),
        tags=("ketamine", "mental-health", "family"),
        for_loved_ones=True,
        text="""
        Nobody sets out to become dependent. Knowing what raises the risk is not about
        blame. It helps you see when to take more care, for yourself or for someone you love.

        ## Family history and genes

        Addiction often runs in families. Part of this is inherited: genes shape how strongly
        a substance affects a person and how quickly habits take root. Part of it is what
        children see and live through at home. A family history does not decide your future,
        but it is a good reason to keep an honest eye on your own use.

        ## Mental health

        Many people who become dependent on ketamine were already living with depression,
        anxiety, past trauma or other mental health difficulties. Ketamine can seem to offer
        a break from those feelings. The relief is short, the underlying problem stays, and
        the low afterwards can make the next use more tempting. Support for your mental
        health is part of recovery, not a separate matter.

        ## The world around you

        Friends who use, easy access, a job or a scene where ketamine is everywhere,
        loneliness, money worries, an unstable home: the setting matters. So does support.
        People who have someone to talk to and something meaningful in their week usually
        find it easier to cut down or stop.

        ## How you use

        Some patterns carry more risk than others:

        - using often, especially several days in a row;
        - using alone, or to manage feelings rather than socially;
        - starting young, while the brain is still developing;
        - needing larger amounts to get the effect you want;
        - mixing ketamine with alcohol or other drugs, which also adds physical danger.

        ## Putting it together

        Risk factors add up, but none of them is a verdict. Plenty of people with several of
        them never become dependent, and plenty of people who do become dependent recover.
        If you recognise yourself here, this may be a good moment to talk with someone.
        """,
    ),
    StarterResource(
        slug="behavioural-signs-of-dependence",
        title="Behavioural signs of ketamine dependence",
        kind=Kind.ARTICLE,
        summary=(
            "Changes in what someone does, and how they spend their time, are often the first "
            "thing people notice. A guide for you, or for anyone worried about someone."
        ),
        categories=("understanding-ketamine", "family-and-friends"),
        tags=("ketamine", "family"),
        for_loved_ones=True,
        text="""
        Dependence usually shows in behaviour before it shows in health. These signs are
        worth noticing, in yourself or in someone close to you. One on its own proves little;
        a cluster that keeps growing is worth a conversation.

        ## Time and priorities

        - More and more of the week goes on getting ketamine, using it, and getting over it.
        - Work, study, bills or caring for others start to slip.
        - Plans are cancelled at short notice, or they turn up late and foggy.
        - Hobbies, sport or friends that used to matter get dropped.

        ## Secrecy and money

        - Being vague about where they were, or who with.
        - Money running out faster than it should, borrowing, or things going missing.
        - A separate circle of friends, mostly people who also use.

        ## Using despite the cost

        - Carrying on after health problems, arguments or trouble at work.
        - Promising to cut down, meaning it, and not managing to.
        - Getting defensive or angry whenever their use comes up.

        ## Mood

        - Irritable or low on days without ketamine.
        - Flat, distant or hard to reach, even when sober.

        ## If you see this in yourself

        Try writing down, for two weeks, when you use and what was going on just before.
        Patterns are often clearer on paper. The cravings log worksheet can help with this.

        ## If you see this in someone else

        Choose a calm moment. Talk about what you have noticed rather than using labels, and
        ask how they are doing. The family and friends section has ideas for that talk.
        """,
    ),
    StarterResource(
        slug="physical-signs-and-withdrawal",
        title="Physical signs of ketamine dependence and withdrawal",
        kind=Kind.ARTICLE,
        summary=(
            "What regular ketamine use can do to the body, what coming off it can feel like, "
            "and which symptoms mean it is time to see a doctor."
        ),
        categories=("understanding-ketamine", "health-effects"),
        tags=("ketamine", "withdrawal", "sleep", "tolerance"),
        for_loved_ones=True,
        text="""
        The body keeps its own record of regular ketamine use. Some signs appear while using,
        some in between, and some only after months.

        ## While using, or soon after

        - Slurred speech, clumsiness, unsteady walking, a glazed or faraway look.
        - Numbness, which can hide injuries and burns until later.
        - Feeling sick, or being sick.
        - A sore or runny nose, or nosebleeds, when it is snorted.

        ## In between

        - Needing more for the same effect (tolerance).
        - Disturbed sleep: lying awake, or sleeping at odd hours.
        - Tiredness, a poor appetite, weight loss.
        - Stomach cramps, sometimes called "K cramps".

        ## Coming off ketamine

        Withdrawal from ketamine is mostly felt in mood and mind rather than in the body, but
        it can still be hard. People describe:

        - strong cravings;
        - low mood, anxiety and irritability;
        - trouble sleeping, and vivid dreams;
        - tiredness, restlessness, sweats or a racing heart.

        These usually ease over days to weeks. Company from people who understand, regular
        meals and a simple daily routine can all help. If you also use alcohol or other
        drugs, or you feel very low, ask a doctor for support with stopping.

        ## See a doctor soon if you notice

        - pain or burning when you pee, needing to go very often, or blood in your urine;
        - stomach pain that keeps coming back;
        - yellowing of the skin or the whites of the eyes;
        - memory problems that worry you.

        ## Get urgent help

        Call 911 if someone cannot be woken, is struggling to breathe, has a seizure, or has
        chest pain.
        """,
    ),
    # --- Health effects ---------------------------------------------------------------------
    StarterResource(
        slug="long-term-effects-bladder-kidneys-memory",
        title="Long-term effects: bladder, kidneys and memory",
        kind=Kind.ARTICLE,
        summary=(
            "Regular ketamine use can damage the bladder and kidneys and affect memory. The "
            "warning signs, why stopping early matters, and where to start."
        ),
        categories=("health-effects",),
        tags=("ketamine", "bladder", "memory"),
        for_loved_ones=True,
        text="""
        Most of the long-term harm from ketamine builds up slowly, which makes it easy to
        miss until it hurts. The hopeful part: much of it improves once use stops, especially
        when it stops early.

        ## The bladder

        Ketamine and the substances the body breaks it into leave in urine, and over time
        they can irritate and damage the lining of the bladder. Doctors may call this
        ketamine bladder syndrome, ketamine cystitis or ketamine uropathy. Signs include:

        - needing to pee very often, including at night;
        - a sudden, urgent need to go, sometimes with leaking;
        - pain or burning when you pee, or pain low in the belly;
        - blood in your urine.

        If use continues, the bladder can shrink and stiffen so that it holds very little.
        Some people then need long-term treatment. If you have any of these signs, tell a
        doctor about your ketamine use. It changes what they look for, and they will have
        heard it before.

        ## The kidneys

        Damage can travel upward. Swelling or narrowing of the tubes that drain the kidneys
        puts the kidneys themselves under strain. This often causes no symptoms at first, so
        a simple urine and blood test is worth asking for if you have used regularly.

        ## Memory and thinking

        Heavy, regular use is linked with problems with short-term memory, concentration and
        planning. People talk about losing the thread of a conversation or forgetting why
        they walked into a room. Much of this can improve over months without ketamine.
        Sleep, food, movement and time with other people all help the brain recover.

        ## Other effects

        Stomach pain that keeps returning, low mood and anxiety are also common with
        long-term use.

        ## What you can do

        - Be honest with your doctor about how much and how often you use.
        - Drink water steadily through the day, and go easy on caffeine and alcohol, which
          can irritate the bladder.
        - Take bladder symptoms seriously, even mild ones.
        - Stopping or cutting down gives your body its best chance to heal.
        """,
    ),
    # --- Treatment and therapy --------------------------------------------------------------
    StarterResource(
        slug="cbt-and-other-therapies",
        title="Cognitive behavioural therapy (CBT) and other therapies",
        kind=Kind.ARTICLE,
        summary=(
            "How cognitive behavioural therapy (CBT) works in recovery from ketamine "
            "dependence, and what motivational interviewing, contingency management, family "
            "therapy and mindfulness can add."
        ),
        categories=("treatment-and-therapy",),
        tags=("cbt", "therapy", "cravings"),
        for_loved_ones=True,
        featured_position=2,
        text="""
        Talking therapies are at the heart of professional help for ketamine dependence.
        Several have a long track record with drug and alcohol problems in general, and they
        combine well with one another and with a support group.

        ## Cognitive behavioural therapy (CBT)

        CBT starts from a simple idea: thoughts, feelings and actions keep feeding one
        another. A thought like "I can't get through tonight without it" brings a feeling,
        and the feeling pushes you toward using. In CBT you learn to spot these chains,
        question them, and try a different response.

        A course of CBT usually means weekly sessions over a few months. With your therapist
        you might:

        - map your triggers and the moments when cravings are strongest;
        - practise ways to ride out an urge until it passes;
        - rehearse saying no, or leaving a situation;
        - plan for high-risk times such as weekends or paydays;
        - work on the stress, low mood or anxiety underneath.

        Expect things to try between sessions: CBT is practical, and it works best when you
        test new habits in real life. You may also see it written as cognitive behavioral
        therapy.

        ## Motivational interviewing

        Most people feel two ways about change. Motivational interviewing is a respectful
        style of conversation that helps you explore those mixed feelings and find your own
        reasons to change, without pressure or lectures.

        ## Contingency management

        This approach offers small, concrete rewards, such as vouchers, for reaching goals
        like a clear drug test. It sounds simple, and for many people it helps a great deal
        in the first months.

        ## Family therapy

        Dependence affects a whole household. Family or couples sessions help everyone talk
        more honestly, rebuild trust, and learn to support recovery without taking it over.

        ## Mindfulness

        Mindfulness practice trains you to notice cravings, thoughts and sensations in the
        body without acting on them straight away. Many people use it alongside CBT.

        ## Finding a therapist

        A doctor can refer you, and the SAMHSA National Helpline can point you to services
        near you. It is fine to ask a therapist how they work and whether they know about
        ketamine. If the first person is not a good fit, try someone else.
        """,
    ),
    StarterResource(
        slug="rehab-programs-inpatient-and-outpatient",
        title="Rehab programs: inpatient and outpatient care",
        kind=Kind.ARTICLE,
        summary=(
            "What residential (inpatient) and outpatient rehab programs involve, how to "
            "choose between them, and questions to ask before you start."
        ),
        categories=("treatment-and-therapy",),
        tags=("rehab", "therapy"),
        for_loved_ones=True,
        text="""
        "Rehab" covers many kinds of structured treatment. The two broad types are inpatient
        and outpatient, with several steps in between.

        ## Inpatient (residential) programs

        You live at the program for a set time, often a few weeks to a few months. The days
        have a clear shape: group and one-to-one therapy, health checks, learning about
        dependence, exercise and practical skills. Residential care may suit you if:

        - home is not a safe or steady place to stop;
        - you have tried to stop on your own and could not;
        - you need medical care at the same time, for example for other substances or for
          bladder problems;
        - you have serious mental health needs.

        ## Outpatient programs

        You live at home and come in for sessions. How much varies, from a few hours a week
        to most of the day on several days a week (often called intensive outpatient or
        partial hospitalization). Outpatient care lets you keep work, study and family life
        going, and practise new skills in your everyday surroundings from day one.

        ## What to expect in either

        - An assessment of your health, your use and your situation.
        - A plan agreed with you, which should change as you do.
        - Talking therapies, and skills for handling cravings and stress.
        - Information for your family, and sometimes family sessions.
        - A plan for afterwards: follow-up appointments, aftercare, a support group.

        ## Questions worth asking

        - Are your staff licensed, and is the program licensed or accredited?
        - Have you worked with people who use ketamine?
        - How do you handle mental health alongside drug use?
        - What does it cost, and what will my insurance cover?
        - What support is there when the program ends?

        ## Finding a program

        The SAMHSA National Helpline (1-800-662-4357) can refer you to treatment near you,
        including options if you have no insurance. Your doctor can help too.

        Finishing a program is not the end of recovery. It is usually the start of the long,
        ordinary part, where support groups, friends and routine matter most.
        """,
    ),
    StarterResource(
        slug="how-support-groups-help",
        title="How support groups help, and what happens at a meeting",
        kind=Kind.ARTICLE,
        summary=(
            "Why meeting others in recovery makes a difference, what a typical peer support "
            "meeting looks like, and how to feel more at ease at your first one."
        ),
        categories=("treatment-and-therapy", "staying-well"),
        tags=("peer-support",),
        for_loved_ones=True,
        featured_position=3,
        text="""
        Recovery is hard to do alone. A support group is a regular meeting of people facing
        the same thing, run by peers rather than by professionals.

        ## Why it helps

        - **You are understood.** Others have felt the same shame, cravings and hope, and
          nothing needs explaining.
        - **You see that recovery happens.** Meeting someone a year or five years further on
          makes your own goals feel reachable.
        - **You pick up practical ideas.** Members share what got them through a bad
          evening, a party, or a difficult conversation.
        - **You have a reason to show up.** A weekly meeting gives the week a shape, and
          people notice when you are missing.
        - **You help others.** In time, your own story becomes useful to someone newer.

        Peer support works well alongside therapy or a rehab program, and it carries on long
        after treatment ends.

        ## What happens at a meeting

        Meetings vary, but many follow a pattern:

        1. The facilitator welcomes everyone and reads a few group agreements, such as
           keeping what is said private.
        2. A round of check-ins: the name you use here and, if you like, a sentence about
           your week.
        3. A topic, or open sharing. People speak one at a time, without interruptions, and
           nobody gives advice unless it is asked for.
        4. A short close.

        Most meetings last an hour to ninety minutes. Online meetings work the same way, and
        you can keep your camera off.

        ## At your first meeting

        - You do not have to speak. "I'll just listen today" is always fine.
        - Use any name you like.
        - Arriving a few minutes early gives you time to say hello to the facilitator.
        - If a group does not feel right, try another. Fit matters, and there is no rush.

        What you hear stays in the room, and how much you share is always your choice.
        """,
    ),
    # --- For family and friends -------------------------------------------------------------
    StarterResource(
        slug="supporting-a-loved-one",
        title="Supporting someone you love through ketamine dependence",
        kind=Kind.ARTICLE,
        summary=(
            "How to talk to a partner, friend or relative about their ketamine use, what tends "
            "to help, and what usually makes things harder."
        ),
        categories=("family-and-friends",),
        tags=("family",),
        for_recovery=False,
        for_loved_ones=True,
        text="""
        When someone you love is struggling with ketamine, it is natural to feel scared,
        angry, guilty or helpless, sometimes all in one evening. You cannot make another
        person recover. You can make it easier for them to take a step, and you can keep
        yourself steady while they do.

        ## Before you talk

        - Pick a time when they are sober and you are both calm: not mid-argument, and not
          late at night.
        - Think about what you have actually seen: missed days, money, health, mood.
        - Decide what you want to say, in a few sentences.

        ## During the conversation

        - Start with care: "I love you, and I'm worried about you."
        - Describe specific things you have noticed instead of labels like "addict".
        - Speak from your side: "I was frightened when you didn't come home."
        - Ask, then listen. "How are things for you at the moment?" can open more than a
          speech.
        - Expect denial or anger. Both are common, and neither means the talk has failed.
        - Leave the door open: "Whenever you want to talk, or want help, I'm here."

        ## What usually helps

        - Staying in touch, and including them in ordinary life.
        - Noticing effort, however small, and saying so.
        - Practical help: finding a group, a lift to an appointment, sitting with them while
          they call a helpline.
        - Learning about ketamine dependence, so you understand what they are up against.

        ## What usually makes it harder

        - Lectures, shaming, or threats you will not carry out.
        - Covering for them, such as paying their debts or making excuses to their employer.
          This can hide the problem from the one person who most needs to see it.
        - Trying to control everything, like searching their room every day.

        ## Boundaries

        You are allowed to set limits, such as "I won't lend you money" or "I don't want
        ketamine in the house". Say them calmly, and keep them. Boundaries protect the
        relationship as well as you.

        If you ever fear for their safety, or for yours, call or text 988, or call 911.
        """,
    ),
    StarterResource(
        slug="help-for-parents",
        title="When your son or daughter is using: help for parents",
        kind=Kind.ARTICLE,
        summary=(
            "For parents and family: what to do when your child, teenage or grown up, is "
            "using ketamine, how to talk with them, and where to find help for your son or "
            "daughter and for yourself."
        ),
        categories=("family-and-friends",),
        tags=("family",),
        for_recovery=False,
        for_loved_ones=True,
        featured_position=4,
        text="""
        Finding out that your son or daughter is using ketamine can turn family life upside
        down. Many parents ask the same question in the first weeks: "How do I help my son,
        or my daughter, without pushing them away?" There is no script, but some things help.

        ## First, steady yourself

        Take a breath before you act. Your child needs a calm parent more than a perfect one.
        Talking it through with your partner, a friend or a family group first can help you
        think clearly.

        ## If your child is a teenager

        - Talk when they are sober and you are calm. Say what you have seen and that you are
          worried, rather than how angry you are.
        - Ask questions, and listen to the answers, even the hard ones.
        - Be clear about house rules and what happens if they are broken, and follow through
          fairly.
        - Keep doing ordinary things together. Closeness protects.
        - Talk to your family doctor or the school counselor. A doctor can check for bladder
          and other health problems and suggest treatment suited to young people.

        ## If your child is an adult

        You have less control, and that is hard. You can still:

        - tell them plainly that you love them and are worried;
        - offer specific help, such as finding a group, or paying a therapist directly
          rather than handing over cash;
        - decide what you will and won't do, about money or about them living at home, and
          tell them kindly.

        ## Brothers, sisters and the wider family

        Siblings often feel overlooked, or end up keeping secrets. Give them time and honest
        information that suits their age. Dependence touches the whole family, and everyone
        in it deserves support.

        ## Help for parents

        - Family and friends groups on Kinship are for people in your position.
        - The SAMHSA National Helpline (1-800-662-4357) can point you to treatment for young
          people and adults, and to support for families.
        - If your child is in danger or talks about ending their life, call or text 988, or
          call 911.

        Recovery is often slow and uneven. Your love and patience count for more than you can
        see on the hard days.
        """,
    ),
    StarterResource(
        slug="looking-after-yourself",
        title="Looking after yourself as a family member",
        kind=Kind.ARTICLE,
        summary=(
            "Caring about someone who uses ketamine takes a toll. Practical ways for parents, "
            "partners and friends to protect their own health, sleep and support."
        ),
        categories=("family-and-friends",),
        tags=("family", "self-care", "sleep"),
        for_recovery=False,
        for_loved_ones=True,
        text="""
        When someone you love is dependent on a drug, your attention goes to them: where they
        are, whether they are safe, what happens next. Months of this wear anyone down.
        Looking after yourself is not selfish. It keeps you able to help, and you matter in
        your own right.

        ## Signs you are running on empty

        - You lie awake worrying, or wake at every sound.
        - Your own appointments, friendships and interests have fallen away.
        - You feel resentful, numb, or constantly on alert.
        - You are keeping secrets for them, and they weigh on you.

        ## Small things that help

        - **Keep a few routines.** Regular meals, some movement and a set bedtime give your
          body a break from crisis mode.
        - **Tell someone.** A friend, a counselor, or a family and friends group. Saying it
          out loud takes some of the weight off.
        - **Protect what is yours.** Keep your money separate if you need to, and put
          valuables and important papers somewhere safe.
        - **Do one thing each week just for you**, with no link to their recovery.

        ## What is yours to carry, and what is not

        You did not cause their dependence. You cannot control it, and you cannot cure it on
        your own. What you can choose is how you respond, and how you care for yourself along
        the way.

        ## Your feelings are allowed

        Anger, grief, guilt, shame, even relief when they are away: all of these are normal.
        A family group is a place to say them out loud without being judged.

        ## When to get more help

        If you feel hopeless, have slept badly for weeks, or feel unsafe at home, talk to
        your doctor. If you have thoughts of harming yourself, call or text 988 at any time.
        If you are in danger, call 911.
        """,
    ),
    # --- Staying well -----------------------------------------------------------------------
    StarterResource(
        slug="relapse-prevention",
        title="Relapse prevention: triggers, cravings and a plan",
        kind=Kind.ARTICLE,
        summary=(
            "Why relapse is common and not a failure, how to spot your triggers, ways to ride "
            "out a craving, and how to make a plan before you need one."
        ),
        categories=("staying-well",),
        tags=("relapse", "cravings", "sleep"),
        featured_position=5,
        text="""
        Many people who stop using ketamine have at least one slip or relapse along the way.
        It is a common part of recovery, not proof that you cannot do it. Planning ahead
        makes it less likely, and makes the way back shorter if it happens.

        ## Relapse is a process

        It rarely starts with the first use. The early signs often come days or weeks before:
        skipping meetings, sleeping badly, bottling things up, drifting back toward old
        places, or thinking "just once won't matter". Spotting these early gives you more
        room to act.

        ## Know your triggers

        Triggers are the people, places, feelings and times that make you want to use.
        Common ones include:

        - certain friends, a dealer's number, particular venues or music;
        - stress, boredom, loneliness, anger, and celebrations too;
        - being hungry, angry, lonely or tired (sometimes shortened to HALT);
        - paydays, weekends and anniversaries.

        Some you can avoid, for example by deleting numbers. Others you will learn to handle.

        ## Riding out a craving

        Cravings feel urgent, but they rise, peak and fade, often within half an hour. Things
        people find useful:

        - **Delay.** Promise yourself fifteen minutes before you decide anything.
        - **Distract.** Walk, shower, cook, call someone.
        - **Notice it.** Where do you feel it, and how strong is it out of 10? Watching a
          craving closely can take away some of its pull.
        - **Play it forward.** Think past the first hour to how tomorrow morning will feel.
        - **Reach out.** Text someone from your group.

        ## Make a plan

        Write down your warning signs, your triggers, what you will do instead, and who you
        can call. Keep it on your phone. The relapse-prevention plan worksheet walks you
        through it, and the cravings log helps you spot patterns.

        ## If you do use

        Be kind to yourself, and tell someone you trust soon. Look at what led up to it and
        what you would change. Then go back to your plan. One slip does not erase the
        progress you have made.
        """,
    ),
    StarterResource(
        slug="worksheet-relapse-prevention-plan",
        title="Worksheet: my relapse-prevention plan",
        kind=Kind.WORKSHEET,
        summary=(
            "A fill-in plan for staying well: your reasons, warning signs, triggers, what you "
            "will do instead, and who to call. Print it or copy it into your phone."
        ),
        categories=("staying-well",),
        tags=("relapse", "cravings", "worksheet"),
        text="""
        A plan written on a calm day is much easier to follow on a hard one. Work through
        these questions on your own, with a friend, or in your group. Keep the answers short,
        and change them as you learn what works.

        ## 1. My reasons

        - What are three reasons I want to stay off ketamine?
        - What has already got better since I cut down or stopped?

        ## 2. My early warning signs

        - What do I notice in my thinking when things start to slide? (For example: "I've
          earned it", or "nobody would know".)
        - What changes in my routine, my sleep or my mood?
        - What might the people close to me notice first?

        ## 3. My triggers

        - Which people, places and situations are risky for me?
        - Which feelings make me want to use?
        - Which times of the day, the week or the year are hardest?

        ## 4. What I will do instead

        For each trigger, write one thing you can do instead. For example: "Friday night:
        the online meeting, then a film with my sister."

        - When a craving starts, the first thing I will do is...
        - If that is not enough, next I will...
        - Things that calm me down:

        ## 5. My people

        - Two people I can call or text at any hour, and their numbers.
        - My group, and when it meets.
        - My doctor or counselor.
        - 988 (call or text) if I feel unsafe, and 911 in an emergency.

        ## 6. If I slip

        - Who will I tell, and how soon?
        - What will I do the next day to get back on track?
        - What will I say to myself instead of "I've ruined everything"?

        ## 7. Looking back

        Choose a date to reread this plan, perhaps a month from now. What worked, what did
        not, and what needs changing?

        Keep one copy on your phone and another where you will see it.
        """,
    ),
    StarterResource(
        slug="worksheet-cravings-log",
        title="Worksheet: cravings log",
        kind=Kind.WORKSHEET,
        summary=(
            "A simple daily log for cravings: when they come, how strong they are, what set "
            "them off and what helped. After a week or two, patterns start to show."
        ),
        categories=("staying-well",),
        tags=("cravings", "worksheet", "relapse"),
        text="""
        Cravings can feel random. Writing them down usually shows that they are not: they
        gather around certain times, places, people and feelings. Once you can see the
        pattern, you can plan for it.

        ## How to use this log

        Each time you notice a craving, jot down a few words as soon as you can. It does not
        need to be neat, and notes on your phone are fine. Keep going for at least a week.

        ## For each craving, note

        - **When:** the day and time.
        - **Where, and with whom:** home, work, a friend's place; alone or with others.
        - **How strong:** from 1 (a passing thought) to 10 (overwhelming).
        - **What happened just before:** an argument, payday, a song, feeling worn out.
        - **What I felt:** bored, lonely, anxious, angry, excited, low.
        - **What I did:** went for a walk, called someone, waited it out, used.
        - **How long it lasted,** roughly.
        - **How strong afterwards:** 1 to 10.

        ## An example entry

        Tuesday, 9 p.m., at home on my own. Strength 7. A tense phone call with my landlord
        just before. Felt wound up and restless. Took a shower and texted a friend from my
        group. It lasted about 25 minutes. Strength afterwards: 3.

        ## At the end of each week

        Read your entries back and ask yourself:

        - Which times, places or feelings keep coming up?
        - What helped most, and what did not help at all?
        - Are cravings getting shorter or weaker as the weeks go by?
        - Is there one change to try next week, such as a plan for the hardest evening?

        Bring your log to your group or your counselor if you like. Many people find it
        reassuring to see, in their own handwriting, that cravings pass.
        """,
    ),
    # --- Crisis and helplines ---------------------------------------------------------------
    StarterResource(
        slug="988-suicide-and-crisis-lifeline",
        title="988 Suicide & Crisis Lifeline",
        kind=Kind.HOTLINE,
        summary=(
            "Call or text 988, 24 hours a day, 7 days a week, if you or someone you know is "
            "in emotional distress, thinking about suicide, or in a crisis with drug use."
        ),
        categories=("crisis-and-helplines",),
        tags=("crisis", "helpline", "mental-health"),
        for_loved_ones=True,
        for_facilitators=True,
        phone="988",
        text_line="Text 988",
        hours="24 hours a day, 7 days a week",
        featured_position=6,
        text="""
        ## Call or text 988

        The 988 Suicide & Crisis Lifeline is open 24 hours a day, 7 days a week. From a
        phone in the United States, call 988 or send a text message to 988.

        ## When to reach out

        - You are thinking about suicide, or about hurting yourself.
        - You feel overwhelmed, hopeless or unsafe.
        - You are in a crisis connected with drug use, including ketamine.
        - You are worried about someone else and want help working out what to do.

        You do not have to be sure it is "serious enough". If it feels like a crisis to you,
        that is reason enough to call or text.

        ## What happens

        A trained crisis counselor answers. They listen, and help you work out what would
        make you safer right now. They can also tell you about support near you. You can
        share as much or as little as you want.

        ## Keep it close

        Save 988 in your phone now, while things are calm, so it is there when you need it.

        If someone's life is in immediate danger, call 911.
        """,
    ),
    StarterResource(
        slug="samhsa-national-helpline",
        title="SAMHSA National Helpline",
        kind=Kind.HOTLINE,
        summary=(
            "Free, confidential treatment referral and information, 24 hours a day, 7 days a "
            "week, in English and Spanish: call 1-800-662-4357."
        ),
        categories=("crisis-and-helplines", "treatment-and-therapy"),
        tags=("helpline", "rehab", "family"),
        for_loved_ones=True,
        for_facilitators=True,
        phone="1-800-662-4357",
        hours="24 hours a day, 7 days a week",
        text="""
        ## Call 1-800-662-4357

        The SAMHSA National Helpline is run by the Substance Abuse and Mental Health Services
        Administration, a US government agency. It is free and confidential, open 24 hours a
        day, 7 days a week, and you can talk in English or in Spanish.

        ## What it is for

        The helpline gives information and referrals to people facing drug, alcohol or mental
        health problems, and to their families. You can ask about:

        - treatment programs near you, inpatient and outpatient;
        - support groups and community organisations;
        - what is available if you have no insurance or little money;
        - how to help a family member.

        ## What to expect

        A trained information specialist answers. They ask about your situation and where you
        live, so they can suggest services nearby. You do not need to have everything worked
        out before you call: "I don't know where to start" is a fine way to begin.

        The helpline is for information and referrals, not crisis counseling. If you are in
        crisis, call or text 988. In an emergency, call 911.
        """,
    ),
    StarterResource(
        slug="crisis-text-line",
        title="Crisis Text Line",
        kind=Kind.HOTLINE,
        summary=(
            "Text HOME to 741741 to reach a trained crisis counselor by text message, at any "
            "hour, when talking out loud feels like too much."
        ),
        categories=("crisis-and-helplines",),
        tags=("crisis", "helpline"),
        for_loved_ones=True,
        for_facilitators=True,
        text_line="Text HOME to 741741",
        hours="24 hours a day, 7 days a week",
        text="""
        ## Text HOME to 741741

        If a phone call feels like too much, you can reach a trained crisis counselor by
        text. Send the word HOME to 741741 from a phone in the United States.

        ## When it can help

        - You are overwhelmed and need to calm down enough to get through tonight.
        - You are having thoughts of suicide or of harming yourself.
        - Cravings, a relapse, or trouble at home feel unbearable.
        - You want to talk but cannot speak privately where you are.

        ## What happens

        You may get an automatic reply first, and then a counselor joins the conversation.
        They listen, help you sort through what is happening, and work with you on a next
        step. Texting is often slower than talking, so take your time.

        Many people like texting because it is quiet, works when others are nearby, and
        leaves room to think before answering.

        If someone is in immediate danger, call 911.
        """,
    ),
    StarterResource(
        slug="emergency-call-911",
        title="In an emergency, call 911",
        kind=Kind.HOTLINE,
        summary=(
            "If someone's life is in danger right now, call 911. What counts as an emergency "
            "with ketamine and other drugs, and what to do while help is on its way."
        ),
        categories=("crisis-and-helplines",),
        tags=("crisis", "ketamine"),
        for_loved_ones=True,
        for_facilitators=True,
        phone="911",
        hours="24 hours a day, 7 days a week",
        text="""
        ## Call 911 straight away if someone

        - cannot be woken, or does not respond to your voice or touch;
        - is breathing very slowly, noisily, or not at all;
        - has a seizure;
        - has chest pain, or a very fast heartbeat that does not settle;
        - has taken ketamine with alcohol, opioids or other sedatives and is very drowsy;
        - is badly hurt, including injuries they may not feel because of numbness;
        - is threatening to end their life and has the means to do it.

        ## What to say

        Give the address or location, what happened, and what they have taken if you know.
        Being open about drugs helps the paramedics give the right care.

        ## While you wait

        - Stay with the person.
        - If they are breathing but will not wake, lay them on their side with the head
          tilted back a little, so they cannot choke if they vomit.
        - Do not give them food, drink or anything else to take.
        - Keep them warm, and move away anything they could hurt themselves on.
        - Follow what the call-taker tells you.

        ## If it is not an emergency

        For a crisis that is not life-threatening, call or text 988. For help finding
        treatment, call the SAMHSA National Helpline on 1-800-662-4357.
        """,
    ),
    StarterResource(
        slug="samhsa-national-helpline-website",
        title="SAMHSA National Helpline: the official page",
        kind=Kind.LINK,
        summary=(
            "The helpline's own page on the SAMHSA website: what the service offers, who it "
            "is for, and how to reach it."
        ),
        categories=("crisis-and-helplines", "treatment-and-therapy"),
        tags=("helpline", "rehab"),
        for_loved_ones=True,
        external_url=SAMHSA_HELPLINE_URL,
        text="""
        This link opens the official page of the SAMHSA National Helpline, on the website of
        the US Substance Abuse and Mental Health Services Administration.

        ## What you will find there

        - How to reach the helpline, which is free, confidential, and open 24/7 in English
          and Spanish.
        - What the helpline does: information and referrals rather than counseling.
        - Answers to questions people often ask about the service.

        ## Before you call

        It can help to have a few things ready:

        - your zip code, or the area where you want help;
        - whether you have insurance, and which;
        - the kind of help you are after: a program, a therapist, a family group;
        - a pen, or a note open on your phone, for names and numbers.

        You do not need any of this to call. A question is enough.

        ## Why we link to it

        Numbers and services change. The official page is the most reliable place to check
        the current details before you share them with someone.
        """,
    ),
    StarterResource(
        slug="988-lifeline-website",
        title="988 Suicide & Crisis Lifeline: the official website",
        kind=Kind.LINK,
        summary=(
            "The Lifeline's own website: the ways to reach 988, and guidance for helping "
            "yourself or someone else through a crisis."
        ),
        categories=("crisis-and-helplines",),
        tags=("crisis", "helpline", "mental-health"),
        for_loved_ones=True,
        for_facilitators=True,
        external_url=LIFELINE_URL,
        text="""
        This link opens the official website of the 988 Suicide & Crisis Lifeline.

        ## What you will find there

        - The ways to reach the Lifeline, including calling or texting 988.
        - Information for people who are struggling, and for friends and family who are
          worried about someone.
        - Guidance on warning signs, and on how to talk with someone who may be at risk.

        ## When it is useful

        - When you would like to read about what happens on a call before you make one.
        - When you are worried about someone and want to know what to say.
        - When you want to share the Lifeline's details with your group or your family.

        ## Keep it handy

        Save 988 in your phone, and consider saving it in the phone of someone you look out
        for. It takes a minute on a calm day and can matter a great deal on a hard one.

        ## A reminder

        The website is for reading. If you are in crisis now, do not wait to read: call or
        text 988. If a life is in danger, call 911.
        """,
    ),
    # --- For facilitators -------------------------------------------------------------------
    StarterResource(
        slug="facilitators-welcoming-first-meeting",
        title="For facilitators: running a welcoming first meeting",
        kind=Kind.ARTICLE,
        summary=(
            "How to prepare, open and close a meeting so that newcomers feel safe and "
            "included, and want to come back."
        ),
        categories=("for-facilitators",),
        tags=("facilitation", "peer-support"),
        for_recovery=False,
        for_facilitators=True,
        text="""
        A newcomer's first meeting often decides whether there will be a second. People
        arrive nervous, ashamed, or unsure they belong. A little preparation goes a long way.

        ## Before the meeting

        - Check the room or the link early. Online, know how to mute or remove someone, and
          how the waiting room works.
        - Have the group agreements ready to read: short, and in plain words.
        - Plan a simple topic, such as "What brought you here?" or "One thing that helped
          this week".
        - If you can, ask an experienced member to be a friendly face for newcomers.

        ## Opening

        - Welcome everyone by the name they choose to use.
        - Explain how the meeting works and how long it lasts.
        - Read the agreements: what is said here stays here; one person speaks at a time; no
          advice unless someone asks; anyone may pass.
        - Say where the crisis contacts are: 988, and 911 in an emergency.

        ## During the meeting

        - Invite, never push. "Would anyone like to start?" is enough, and silence is fine.
        - Thank each person after they share, without commenting on what they said.
        - Keep time gently, so that everyone has room.
        - If someone is distressed, offer to talk afterwards, and follow your organisation's
          safety steps.

        ## Closing

        - Offer a short summary, or a moment of quiet.
        - Say when the next meeting is.
        - Stay a few minutes for anyone who wants a word.

        ## Afterwards

        Note what went well and what to change, and check in with your co-facilitator.
        Running a group is rewarding and it can be tiring: your own support counts too.
        """,
    ),
    StarterResource(
        slug="facilitators-safe-and-confidential",
        title="For facilitators: keeping a group safe and confidential",
        kind=Kind.ARTICLE,
        summary=(
            "Group agreements, protecting members' privacy online and in person, and what to "
            "do when someone is in crisis or the group feels unsafe."
        ),
        categories=("for-facilitators",),
        tags=("facilitation", "privacy", "crisis"),
        for_recovery=False,
        for_facilitators=True,
        text="""
        People share things in a recovery group that they may have told nobody else. Keeping
        the group safe and private is a facilitator's first job.

        ## Agreements everyone knows

        Keep the agreements short, and read them at the start of every meeting:

        - What is shared here stays here. Who you saw here stays here too.
        - Speak for yourself, one at a time.
        - No pressure to share, and no advice nobody asked for.
        - Respect for everyone, whatever their path to recovery.
        - No using or selling drugs at or around meetings.

        On Kinship, members accept the group's code of conduct when they join.

        ## Privacy in practice

        - Use display names only. Never read out surnames or pass on contact details.
        - Share meeting links and addresses with members only; never post them publicly.
        - Do not record meetings.
        - Online, suggest people join from a private spot or wear headphones.
        - Keep attendance notes to the minimum, and never write down what people said.

        ## The limits of confidentiality

        Be honest that there are limits. If someone is at serious risk of harm, or a child is
        at risk, you may need to act. Explain this at the start, and know your organisation's
        steps.

        ## When someone is in crisis

        - Stay calm and kind, and talk with them privately if you can.
        - Ask directly whether they are thinking about ending their life. Asking does not put
          the idea in their head.
        - Share 988 (call or text), or help them make the call.
        - If a life is in immediate danger, call 911.
        - Afterwards, debrief with another facilitator and look after yourself.

        ## When the group feels unsafe

        If someone is aggressive, heavily intoxicated and disruptive, or harassing others,
        pause the meeting or take the conversation somewhere private. Online, you can remove
        someone from the call. Use Kinship's report feature for anything an admin should see.
        """,
    ),
)


# Every starter resource, the originals first: a version in another language names its
# original, which must exist by then.
ALL_RESOURCES: tuple[StarterResource, ...] = (*RESOURCES, *RESOURCES_ES)


def _category_upsert(spec: StarterCategory) -> Category:
    category = Category.objects.filter(slug=spec.slug).first()
    wanted = {"name": spec.name, "description": spec.description, "position": spec.position}
    if category is None:
        return Category.objects.create(slug=spec.slug, **wanted)
    if any(getattr(category, name) != value for name, value in wanted.items()):
        for name, value in wanted.items():
            setattr(category, name, value)
        category.full_clean()
        category.save()
    return category


def _tag_upsert(slug: str, name: str) -> Tag:
    tag = Tag.objects.filter(slug=slug).first()
    if tag is None:
        return Tag.objects.create(slug=slug, name=name)
    if tag.name != name:
        tag.name = name
        tag.save(update_fields=["name"])
    return tag


def _labels(resource: Resource) -> tuple[set[str], set[str]]:
    return (
        set(resource.categories.values_list("slug", flat=True)),
        set(resource.tags.values_list("slug", flat=True)),
    )


def _resource_upsert(
    spec: StarterResource,
    *,
    categories: dict[str, Category],
    tags: dict[str, Tag],
    author: User | None,
    publisher: User | None,
    now: datetime,
) -> str:
    """Create, refresh or leave one starter resource; says which ("created", "updated",
    "unchanged", or "skipped" when an admin has taken it out of the library)."""
    content = spec.content()
    if spec.translation_of:
        content["translation_of"] = Resource.objects.filter(slug=spec.translation_of).first()
    its_categories = [categories[slug] for slug in spec.categories]
    its_tags = [tags[slug] for slug in spec.tags]
    resource = Resource.objects.filter(slug=spec.slug).first()

    if resource is None:
        resource = Resource(
            slug=spec.slug,
            state=State.PUBLISHED,
            author=author,
            published_by=publisher,
            published_at=now,
            review_by=(now + REVIEW_AFTER).date(),
            featured=spec.featured_position is not None,
            featured_position=spec.featured_position or 0,
            created_at=now,
            **content,
        )
        # resource_save validates, computes the reading time, sets the labels and refreshes
        # the search vector (resources.services.curation.resource_index).
        resource_save(resource=resource, categories=its_categories, tags=its_tags)
        StateChange.objects.create(
            resource=resource,
            from_state=State.DRAFT,
            to_state=State.PUBLISHED,
            by=publisher,
            note=STARTER_NOTE,
            at=now,
        )
        return "created"

    if resource.state != State.PUBLISHED:
        return "skipped"

    same_fields = all(getattr(resource, name) == value for name, value in content.items())
    if same_fields and _labels(resource) == (set(spec.categories), set(spec.tags)):
        resource_index(resource)  # cheap, and repairs a vector missing after a restore
        return "unchanged"

    # New text from us is new health information: it starts a new review year.
    for name, value in content.items():
        setattr(resource, name, value)
    resource.published_at = now
    resource.review_by = (now + REVIEW_AFTER).date()
    if publisher is not None:
        resource.published_by = publisher
    if resource.author is None:
        resource.author = author
    resource_save(resource=resource, categories=its_categories, tags=its_tags)
    return "updated"


@transaction.atomic
def starter_library_seed(
    *,
    admin_author: User | None = None,
    admin_publisher: User | None = None,
    now: datetime | None = None,
    outcomes: Counter[str] | None = None,
) -> int:
    """Create or refresh the starter library's categories, tags and published resources.

    Returns how many resources were created or changed (0 when the library is already up to
    date). Pass a Counter as `outcomes` to learn how many were created, updated, unchanged
    and skipped. Author and publisher, when given, must be two different people (four eyes,
    as for every published resource)."""
    if (
        admin_author is not None
        and admin_publisher is not None
        and admin_author.pk == admin_publisher.pk
    ):
        raise ValueError("The starter library's author and publisher must be different admins.")
    if now is None:
        now = timezone.now()
    elif timezone.is_naive(now):
        raise ValueError("`now` must be an aware datetime.")
    now = now.astimezone(UTC)

    categories = {spec.slug: _category_upsert(spec) for spec in CATEGORIES}
    tags = {slug: _tag_upsert(slug, name) for slug, name in TAGS.items()}
    counts = Counter(
        _resource_upsert(
            spec,
            categories=categories,
            tags=tags,
            author=admin_author,
            publisher=admin_publisher,
            now=now,
        )
        for spec in ALL_RESOURCES
    )
    if outcomes is not None:
        outcomes.update(counts)
    return counts["created"] + counts["updated"]
